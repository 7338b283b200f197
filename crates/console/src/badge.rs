//! The small badges the queue, the ticket header and the profile share.

use baton_core::queue::Priority;
use leptos::prelude::*;

use crate::format::priority_label;

/// A "verified" / "unverified" badge for profile data.
#[component]
pub fn Trust(
    /// Whether the site signed the profile.
    verified: bool,
) -> impl IntoView {
    let (class, text) = if verified {
        ("badge verified", "verified")
    } else {
        ("badge unverified", "unverified")
    };
    view! { <span class=class data-testid="trust">{text}</span> }
}

/// A priority badge.
#[component]
pub fn PriorityBadge(
    /// The ticket's priority.
    priority: Priority,
) -> impl IntoView {
    let label = priority_label(priority);
    let class = format!("badge priority-{}", label.to_lowercase());
    view! { <span class=class>{label}</span> }
}
