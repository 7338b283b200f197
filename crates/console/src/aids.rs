//! Help for the reply: suggested scripts (a click puts the text in the reply box), knowledge-
//! base links (new tab, no opener) and the brand-voice guide.

use baton_core::aids::SuggestedScript;
use baton_core::protocol::{BrandVoiceView, KbLinkView, TicketView};
use leptos::prelude::*;

use crate::api;
use crate::format::{insert_script, safe_url};

/// All three aids.
#[component]
pub fn Aids(view: TicketView, draft: RwSignal<String>) -> impl IntoView {
    view! {
        <Scripts scripts=view.scripts draft />
        <Kb links=view.kb />
        {view.brand_voice.map(|voice| view! { <Voice voice /> })}
    }
}

#[component]
fn Scripts(scripts: Vec<SuggestedScript>, draft: RwSignal<String>) -> impl IntoView {
    let items = scripts
        .into_iter()
        .map(|script| {
            let text = script.text.clone();
            let insert = move |_| {
                draft.update(|d| *d = insert_script(d, &text));
                api::focus("reply");
            };
            view! {
                <li class="script" data-testid="script" data-script=script.id.clone()>
                    <button type="button" class="secondary" on:click=insert>
                        "Use "<span class="visually-hidden">"script "</span>"“"{script.title.clone()}"”"
                    </button>
                    <p class="script-text">{script.text.clone()}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="panel scripts" aria-labelledby="scripts-h">
            <h3 id="scripts-h">"Suggested replies"</h3>
            <ul class="plain">{items}</ul>
        </section>
    }
}

#[component]
fn Kb(links: Vec<KbLinkView>) -> impl IntoView {
    if links.is_empty() {
        return ().into_any();
    }
    let items = links
        .into_iter()
        .map(|link| {
            if safe_url(&link.url) {
                view! {
                    <li>
                        <a href=link.url target="_blank" rel="noopener noreferrer" data-testid="kb-link">
                            {link.title}
                            <span class="visually-hidden">" (opens in a new tab)"</span>
                        </a>
                    </li>
                }
                .into_any()
            } else {
                view! { <li>{link.title}" "<span class="hint">{link.url}</span></li> }.into_any()
            }
        })
        .collect_view();
    view! {
        <section class="panel kb" aria-labelledby="kb-h">
            <h3 id="kb-h">"Knowledge base"</h3>
            <ul>{items}</ul>
        </section>
    }
    .into_any()
}

#[component]
fn Voice(voice: BrandVoiceView) -> impl IntoView {
    let list = |items: Vec<String>| {
        items
            .into_iter()
            .map(|i| view! { <li>{i}</li> })
            .collect_view()
    };
    view! {
        <section class="panel voice" aria-labelledby="voice-h" data-testid="brand-voice">
            <h3 id="voice-h">"Brand voice"</h3>
            <p><strong>"Tone: "</strong>{voice.tone}</p>
            <div class="dos-donts">
                <div>
                    <h4>"Do"</h4>
                    <ul class="dos">{list(voice.dos)}</ul>
                </div>
                <div>
                    <h4>"Don’t"</h4>
                    <ul class="donts">{list(voice.donts)}</ul>
                </div>
            </div>
        </section>
    }
}
