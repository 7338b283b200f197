//! Sentiment of one visitor message, as a number in `-1.0..=1.0`.
//!
//! Baton uses it to notice a visitor getting upset with the bot. It is a small lexicon scorer
//! built for customer-support chat, run in the browser on every message, so it allocates
//! nothing and reads the text once.
//!
//! # Scoring rules
//!
//! 1. **Tokens.** The text is split on anything that is not a letter or digit; an apostrophe
//!    between letters stays inside the word. Words are ASCII-lowercased and looked up in a
//!    sorted table of about 580 support-chat words (see `sentiment/lexicon.rs`); words with
//!    non-ASCII letters never match but still count as tokens. `don't`, `can't`, `isn't`…
//!    become `dont`, `cant`, `isnt` (negators); other contractions keep the part before the
//!    apostrophe (`it's` → `it`, `he'll` → `he`). A word that is not in the table is retried
//!    without `-ing`, `-ed`, `-d`, `-es`, `-s` or `-ly`, and with letters repeated three or
//!    more times squeezed (`sooo` → `so`, `thaaanks` → `thanks`).
//! 2. **Valence.** Each sentiment word is worth −3..=3. Some words only lean negative in a
//!    support chat ("still", "again", "yet", "waiting") and count half. A few
//!    two-word phrases override their words ("kind of", "no one", "fed up", "good morning").
//! 3. **Negation.** `not`, `no`, `never`, `nobody`, `without`, `hardly`, the `n't` forms…
//!    affect the next 3 tokens of the same clause: a positive word flips to ×−0.8 ("not happy"),
//!    a negative word to ×−0.5 ("not bad" is only mildly positive). Outcome words that are
//!    neutral alone ("works", "arrived", "answers", "help") become −2 when negated ("never
//!    arrived", "doesn't work", "nobody answers"). Topic words such as "cancel" and "lawyer"
//!    lean mildly negative and are not flipped, nor are the half-weight words. "refund" is
//!    neutral on purpose: asking how refunds work is a question, not a complaint, and
//!    keyword triggers already see the topic.
//!    `never`, `nothing`, `nobody` also carry a negative valence of their own.
//! 4. **Intensifiers and dampeners** ("very", "so", "extremely" / "slightly", "a bit",
//!    "kind of") scale the next sentiment word within 2 tokens; inside a negation they work
//!    the other way ("not very good" is milder than "not good").
//! 5. **Contrast.** At `but`, `however` (and `although` mid-sentence) the score so far is
//!    halved and everything after it counts ×1.5. A sentence that *opens* with `although`,
//!    `though` or `despite` is a concession: its first clause counts ×0.5, the rest ×1.5.
//! 6. **Emphasis.** A sentiment word (or negator, intensifier) in ALL CAPS (≥ 2 letters)
//!    counts ×1.4, a stretched one (`sooo`) ×1.3. Each `!` in the message, up to 3, adds 15 %
//!    to the total (`!!!` = ×1.45); `?` changes nothing.
//! 7. **Emoji and emoticons** from a short table (😡 −3, 👍 +2, `:(` −2, `:)` +2, …) add their
//!    valence; they are not negated. A repeated emoticon tail (`:(((`) counts ×1.5.
//! 8. **Normalisation.** The weighted sum `x` becomes `x / sqrt(x² + 15)`: one strong word
//!    scores about ±0.6, two about ±0.85, and only long, strongly worded messages get near ±1.
//!    No sentiment (including empty text) scores exactly `0.0`.
//!
//! # Limits
//!
//! English only; other scripts score 0 apart from emoji. No sarcasm ("great, another
//! delay" is mixed), no grammar beyond the rules above, no spelling correction. Long messages
//! are not averaged, so a long rant scores more extreme than one angry word. The score says
//! how the visitor *sounds*, not what they want: one signal for a handoff, not the decision.

mod emoji;
mod lex;
mod lexicon;
mod lookup;

#[cfg(test)]
use emoji::{EMOJI, EMOTICONS};
use lex::{Boundary, Piece, Token, lex};
#[cfg(test)]
use lexicon::{PHRASES, WORDS};
#[cfg(test)]
use lookup::{KNOWN_WORDS, find_word};
use lookup::{find_inflected, find_phrase, squeeze};

/// Scores one visitor message: -1.0 (very negative) ..= 1.0 (very positive), 0.0 neutral.
///
/// Never panics and always returns a finite value, whatever the input. See the
/// [module documentation](self) for the rules.
#[must_use]
pub fn score(text: &str) -> f32 {
    let mut tally = Tally::new();
    let mut phrases = PhraseJoiner::default();
    lex(text, |piece| phrases.push(piece, &mut tally));
    phrases.flush(&mut tally);
    tally.finish()
}

// ---- tuning -------------------------------------------------------------------------------

/// How many tokens after a negator it still applies to.
const NEGATION_REACH: u8 = 3;
/// How many tokens an intensifier waits for its sentiment word ("so very angry").
const SCALE_REACH: u8 = 2;
/// A negated positive word is nearly as strong the other way ("not happy" ≈ "unhappy")…
const NEGATED_POSITIVE: f32 = -0.8;
/// …but a negated negative word is only a weak positive ("not bad" ≠ "good").
const NEGATED_NEGATIVE: f32 = -0.5;
/// Valence of an expected outcome that did not happen ("never arrived", "doesn't work").
const EXPECTATION_FAILED: f32 = -2.0;
/// Words that only lean negative in a support chat count this much.
const HINT_WEIGHT: f32 = 0.5;
/// Weight of what came before a contrast ("nice app, but…") and of a leading concession.
const BEFORE_CONTRAST: f32 = 0.5;
/// Weight of what follows a contrast: the visitor's actual point.
const AFTER_CONTRAST: f32 = 1.5;
/// Emphasis of an ALL-CAPS word.
const CAPS_BOOST: f32 = 1.4;
/// Emphasis of a stretched word ("sooo", "thaaanks").
const STRETCH_BOOST: f32 = 1.3;
/// Emphasis of a repeated emoticon tail (":(((").
const REPEAT_BOOST: f32 = 1.5;
/// Each `!` multiplies the total by `1 + EXCLAMATION_STEP`, up to `MAX_EXCLAMATIONS`.
const EXCLAMATION_STEP: f32 = 0.15;
/// `!!!!!!` is no angrier than `!!!`.
const MAX_EXCLAMATIONS: u8 = 3;
/// Stacked intensifiers are capped so a "very very very…" flood stays finite.
const SCALE_LIMITS: (f32, f32) = (0.25, 4.0);
/// The `α` in `x / sqrt(x² + α)`: the raw sum at which the score is ±0.5 is `sqrt(α / 3)`.
const NORMALISATION_ALPHA: f32 = 15.0;
/// Longest word worth looking up (the lexicon's longest is 15 bytes; stretched words are
/// longer before squeezing).
const KEY_CAP: usize = 24;
/// Shortest stem tried after stripping a suffix, so "its" never becomes "it".
const MIN_STEM: usize = 3;

// ---- lexicon roles ------------------------------------------------------------------------

/// What a lexicon entry does to the score.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// A sentiment word, −3..=3; negation flips it.
    Word(i8),
    /// A complaint topic ("refund", "cancel", "lawyer"): negation does not flip it.
    Fixed(i8),
    /// Leans negative only in a support chat ("still", "again"): half weight, never flipped.
    Hint(i8),
    /// An outcome the visitor expects ("works", "arrived"): this valence alone, but
    /// [`EXPECTATION_FAILED`] when negated.
    Expected(i8),
    /// Negates the next tokens; carries its own valence too ("nobody" −2).
    Negator(i8),
    /// Scales the next sentiment word, in percent (150 = ×1.5, 50 = ×0.5).
    Scale(u8),
    /// "but", "however": what follows matters more.
    Contrast,
    /// "although", "though", "despite" opening a sentence: the first clause is conceded.
    /// Mid-sentence, `although` acts as a [`Role::Contrast`] and the others do nothing.
    Concession {
        /// Whether the word is a contrast when it does not open the sentence.
        mid_sentence_contrast: bool,
    },
    /// Known to carry nothing; stops a suffix fallback ("lately" is not "late").
    Neutral,
}

impl Role {
    /// Whether a suffix-stripped form may inherit this role ("refunds" → "refund"); modifiers
    /// and negators are listed in full, so their stems would only be accidents.
    fn inflects(self) -> bool {
        matches!(
            self,
            Role::Word(_) | Role::Fixed(_) | Role::Hint(_) | Role::Expected(_)
        )
    }
}

// ---- lookup -------------------------------------------------------------------------------

/// A token with its meaning resolved.
#[derive(Clone, Copy)]
struct Term {
    /// `None` for words the lexicon does not know; they still use up negation reach.
    role: Option<Role>,
    emphasis: f32,
}

/// Resolves a single token's role and emphasis.
fn classify(token: &Token) -> Term {
    let mut emphasis = if token.shouted { CAPS_BOOST } else { 1.0 };
    if !token.matchable {
        return Term {
            role: None,
            emphasis,
        };
    }
    let key = token.key();
    let mut role = find_inflected(key);
    if role.is_none() && token.stretched {
        role = [2, 1]
            .iter()
            .find_map(|&keep| find_inflected(squeeze(key, keep).as_slice()));
        if role.is_some() {
            emphasis *= STRETCH_BOOST;
        }
    }
    if role.is_none() && token.negative_contraction {
        role = Some(Role::Negator(0));
    }
    Term { role, emphasis }
}

/// Holds back one word so a two-word phrase ("kind of", "no one") can be read as one term.
#[derive(Default)]
struct PhraseJoiner {
    held: Option<Token>,
}

impl PhraseJoiner {
    fn push(&mut self, piece: Piece, tally: &mut Tally) {
        let Piece::Word(token) = piece else {
            self.flush(tally);
            tally.piece(piece);
            return;
        };
        if let Some(first) = self.held.take() {
            if let Some(role) = phrase_role(&first, &token) {
                let shouted = first.shouted || token.shouted;
                let emphasis = if shouted { CAPS_BOOST } else { 1.0 };
                tally.term(Term {
                    role: Some(role),
                    emphasis,
                });
                return;
            }
            tally.term(classify(&first));
        }
        self.held = Some(token);
    }

    fn flush(&mut self, tally: &mut Tally) {
        if let Some(token) = self.held.take() {
            tally.term(classify(&token));
        }
    }
}

fn phrase_role(first: &Token, second: &Token) -> Option<Role> {
    if first.matchable && second.matchable {
        find_phrase(first.key(), second.key())
    } else {
        None
    }
}

// ---- scoring ------------------------------------------------------------------------------

/// The running score and the state of the modifiers waiting for their word.
struct Tally {
    sum: f32,
    /// Weight of the current stretch of text: 1, or less/more around a contrast.
    segment_weight: f32,
    /// Inside the first clause of a sentence opened by "although"/"despite".
    conceding: bool,
    at_sentence_start: bool,
    /// Tokens the last negator still reaches.
    negation_left: u8,
    /// Pending intensifier/dampener factor and how many tokens it waits.
    scale: f32,
    scale_left: u8,
    exclamations: u8,
}

impl Tally {
    fn new() -> Self {
        Self {
            sum: 0.0,
            segment_weight: 1.0,
            conceding: false,
            at_sentence_start: true,
            negation_left: 0,
            scale: 1.0,
            scale_left: 0,
            exclamations: 0,
        }
    }

    fn piece(&mut self, piece: Piece) {
        match piece {
            Piece::Word(token) => self.term(classify(&token)),
            Piece::Emoji(valence) => self.sum += valence * self.segment_weight,
            Piece::Break(boundary) => self.boundary(boundary),
        }
    }

    fn term(&mut self, term: Term) {
        let at_sentence_start = std::mem::replace(&mut self.at_sentence_start, false);
        let Some(role) = term.role else {
            self.pass_token();
            return;
        };
        match role {
            Role::Word(_) | Role::Fixed(_) | Role::Hint(_) | Role::Expected(_) => {
                self.sentiment(role, term.emphasis);
            }
            Role::Negator(valence) => self.negator(valence, term.emphasis),
            Role::Scale(percent) => self.intensifier(percent, term.emphasis),
            Role::Contrast => self.contrast(),
            Role::Concession {
                mid_sentence_contrast,
            } => {
                if at_sentence_start {
                    self.concede();
                } else if mid_sentence_contrast {
                    self.contrast();
                } else {
                    self.pass_token();
                }
            }
            Role::Neutral => self.pass_token(),
        }
    }

    fn sentiment(&mut self, role: Role, emphasis: f32) {
        let negated = self.negation_left > 0;
        self.negation_left = self.negation_left.saturating_sub(1);
        let valence = match role {
            Role::Word(v) => {
                let v = f32::from(v);
                match (negated, v > 0.0) {
                    (false, _) => v,
                    (true, true) => v * NEGATED_POSITIVE,
                    (true, false) => v * NEGATED_NEGATIVE,
                }
            }
            Role::Fixed(v) => f32::from(v),
            Role::Hint(v) => f32::from(v) * HINT_WEIGHT,
            Role::Expected(_) if negated => EXPECTATION_FAILED,
            Role::Expected(v) => f32::from(v),
            _ => 0.0,
        };
        if valence == 0.0 {
            // A neutral outcome word ("answer" without a negator) is just a token.
            self.pass_scale();
            return;
        }
        self.sum += valence * emphasis * self.scale * self.segment_weight;
        self.scale = 1.0;
        self.scale_left = 0;
    }

    fn negator(&mut self, own_valence: i8, emphasis: f32) {
        // "nobody", "never" complain on their own; that part is not itself negated.
        self.sum += f32::from(own_valence) * emphasis * self.segment_weight;
        self.negation_left = NEGATION_REACH;
        if emphasis > 1.0 {
            // "NOT happy": the shouting belongs to the negated word.
            self.set_scale(self.scale * emphasis, NEGATION_REACH);
        } else {
            self.pass_scale();
        }
    }

    fn intensifier(&mut self, percent: u8, emphasis: f32) {
        let mut factor = f32::from(percent) / 100.0;
        if self.negation_left > 0 {
            // "not very good" is milder than "not good", "not so bad" milder than "not bad".
            factor = 1.0 / factor;
        }
        self.negation_left = self.negation_left.saturating_sub(1);
        self.set_scale(self.scale * factor * emphasis, SCALE_REACH);
    }

    fn set_scale(&mut self, scale: f32, reach: u8) {
        self.scale = scale.clamp(SCALE_LIMITS.0, SCALE_LIMITS.1);
        self.scale_left = reach;
    }

    fn contrast(&mut self) {
        self.sum *= BEFORE_CONTRAST;
        self.segment_weight = AFTER_CONTRAST;
        self.conceding = false;
        self.end_reach();
    }

    fn concede(&mut self) {
        self.conceding = true;
        self.segment_weight = BEFORE_CONTRAST;
        self.end_reach();
    }

    fn boundary(&mut self, boundary: Boundary) {
        self.end_reach();
        if self.conceding {
            // "Although it was late, …": the main clause starts here.
            self.conceding = false;
            self.segment_weight = AFTER_CONTRAST;
        }
        if boundary != Boundary::Clause {
            self.at_sentence_start = true;
        }
        if boundary == Boundary::Exclamation {
            self.exclamations = self.exclamations.saturating_add(1);
        }
    }

    /// A token that carries nothing still uses up the reach of pending modifiers.
    fn pass_token(&mut self) {
        self.negation_left = self.negation_left.saturating_sub(1);
        self.pass_scale();
    }

    fn pass_scale(&mut self) {
        self.scale_left = self.scale_left.saturating_sub(1);
        if self.scale_left == 0 {
            self.scale = 1.0;
        }
    }

    fn end_reach(&mut self) {
        self.negation_left = 0;
        self.scale = 1.0;
        self.scale_left = 0;
    }

    fn finish(&self) -> f32 {
        let exclamations = f32::from(self.exclamations.min(MAX_EXCLAMATIONS));
        // Bounding `x` keeps `x * x` finite for any length of text; at ±1e6 the score is
        // already ±1 to f32 precision.
        let x = (self.sum * (1.0 + EXCLAMATION_STEP * exclamations)).clamp(-1e6, 1e6);
        if x == 0.0 || x.is_nan() {
            // Nothing scored: exactly neutral (and never NaN).
            return 0.0;
        }
        (x / (x * x + NORMALISATION_ALPHA).sqrt()).clamp(-1.0, 1.0)
    }
}

#[cfg(test)]
mod tests;
