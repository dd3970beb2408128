//! `/search`: threads and comments by words, in every group the person may read (or one group,
//! from its page). Results come best first, 20 a page, each with the words around the match,
//! the matched words marked. What the person may not read is never counted or shown: the store
//! applies the permission rule inside the search query.
//!
//! A plain `GET` form (`role="search"`), so a search can be bookmarked and works without
//! JavaScript; searching changes nothing.

use axum::extract::{Query, State};
use axum::response::Response;
use leptos::prelude::*;

use super::threads::show::page_number;
use super::threads::thread_href;
use super::{AppError, Ctx, html};
use crate::AppState;
use crate::domain::threads::search_words;
use crate::domain::time::{format_utc, iso_utc};
use crate::domain::validation::FormErrors;
use crate::store::{COUNTED_RESULTS, MATCH_END, MATCH_START, SearchHit, SearchScope};
use crate::ui::{
    Button, Crumb, ErrorSummary, InputKind, NavArea, Page, PageHeading, Pagination, TextInput,
    render_document,
};

const TITLE: &str = "Search";
const PER_PAGE: i64 = 20;

#[derive(Debug, Default, serde::Deserialize)]
pub struct SearchQuery {
    pub q: Option<String>,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub page: Option<String>,
}

/// `GET /search?q=<words>[&group=<handle>][&page=<n>]`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<SearchQuery>,
) -> Result<Response, AppError> {
    let text = query.q.clone().unwrap_or_default();
    let words = search_words(&text);
    let mut errors = FormErrors::new();
    if query.q.is_some() && words.is_empty() {
        errors.add("q", "Enter one or more words to search for");
    }
    // A group named in the address narrows the search only when the person may see it; any
    // other handle gives no results, exactly like a group with no match.
    let group = query.group.trim().to_lowercase();
    let page = page_number(query.page.as_deref());
    let reader = ctx.viewer.as_ref().map(|v| v.account_id.as_str());
    let (hits, total) = if words.is_empty() {
        (Vec::new(), 0)
    } else {
        state
            .store
            .search(
                SearchScope {
                    reader,
                    group_handle: (!group.is_empty()).then_some(group.as_str()),
                },
                &words,
                (page - 1).saturating_mul(PER_PAGE),
                PER_PAGE,
            )
            .await?
    };
    let pages = crate::ui::page_count(total.min(COUNTED_RESULTS), PER_PAGE);
    if page > pages {
        return Err(AppError::NotFound);
    }
    let searched = !words.is_empty();
    let status = crate::pages::form_status(!errors.is_empty());
    let has_errors = !errors.is_empty();
    let title = match (searched, page) {
        (true, 1) => format!("Search: {}", words.join(" ")),
        (true, p) => format!("Search: {} (page {p})", words.join(" ")),
        _ => TITLE.to_string(),
    };
    let summary = searched.then(|| match total {
        0 => "No threads or comments match. Try fewer or other words.".to_string(),
        1 => "1 result.".to_string(),
        n if n > COUNTED_RESULTS => format!(
            "More than {} results, best first: the first {} are listed. More words find fewer.",
            crate::domain::grouped(COUNTED_RESULTS),
            crate::domain::grouped(COUNTED_RESULTS)
        ),
        n => format!("{} results, best first.", crate::domain::grouped(n)),
    });
    let mut href = format!(
        "/search?q={}",
        form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>()
    );
    if !group.is_empty() {
        href.push_str(&format!(
            "&group={}",
            form_urlencoded::byte_serialize(group.as_bytes()).collect::<String>()
        ));
    }
    let crumbs = vec![Crumb::link("Home", "/"), Crumb::current(TITLE)];
    let results = hits.into_iter().map(result_view).collect_view();
    let lead = if ctx.viewer.is_some() {
        "Threads and comments in your groups, and in open groups."
    } else {
        "Threads and comments in open groups. Sign in to search your groups too."
    };
    Ok(html(
        status,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=title has_errors=has_errors area=NavArea::Groups breadcrumbs=crumbs>
                    <ErrorSummary errors=errors.clone()/>
                    <PageHeading text=TITLE lead=lead/>
                    <form method="get" action="/search" role="search" aria-label="Threads and comments" novalidate>
                        {(!group.is_empty()).then(|| view! { <input type="hidden" name="group" value=group.clone()/> })}
                        <TextInput name="q" label="Words to search for" kind=InputKind::Search value=text.clone()
                            hint="Every word must appear. Other forms of a word match too, such as plurals."
                            error=errors.for_field("q")/>
                        <Button text="Search"/>
                    </form>
                    {summary.map(|s| view! { <h2 id="results">"Results"</h2><p role="status">{s}</p> })}
                    <ul class="q-list">{results}</ul>
                    <Pagination href=href page=page pages=pages label="Pages of results" fragment="#results"/>
                </Page>
            }
        }),
    ))
}

fn result_view(hit: SearchHit) -> impl IntoView {
    let (href, kind) = if hit.comment_id.is_empty() {
        (
            thread_href(&hit.thread_id),
            format!("Thread started by {}", hit.author_name),
        )
    } else {
        (
            format!(
                "{}/comments/{}",
                thread_href(&hit.thread_id),
                hit.comment_id
            ),
            format!("Comment by {}", hit.author_name),
        )
    };
    let link_text = if hit.comment_id.is_empty() {
        hit.thread_title.clone()
    } else {
        format!("{} (comment by {})", hit.thread_title, hit.author_name)
    };
    view! {
        <li class="q-session">
            <h3 class="q-heading-s"><a href=href>{link_text}</a></h3>
            <p class="q-meta">{format!("{kind} in {}, ", hit.group_name)}<time datetime=iso_utc(hit.at)>{format_utc(hit.at)}</time></p>
            <p>{excerpt(&hit.excerpt)}</p>
        </li>
    }
}

/// The excerpt as text, with the matched words in `<mark>`: split on the markers the store put
/// around them, so nothing in the text can become markup.
fn excerpt(text: &str) -> Vec<AnyView> {
    let mut out = Vec::new();
    for (i, part) in text.split(MATCH_START).enumerate() {
        if i == 0 {
            out.push(part.replace(MATCH_END, "").into_any());
            continue;
        }
        let (marked, rest) = part.split_once(MATCH_END).unwrap_or((part, ""));
        out.push(view! { <mark>{marked.to_string()}</mark> }.into_any());
        out.push(rest.to_string().into_any());
    }
    out
}
