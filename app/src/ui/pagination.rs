//! Links to the other pages of a long list: "Previous page", the page numbers, "Next page".
//!
//! Accessibility: a `nav` landmark named for what it pages ("Pages of comments"), so it can be
//! told apart from the site navigation; the current page is marked `aria-current="page"` and is
//! not a link; "Previous" and "Next" carry `rel` for browsers that use it. The numbers are shown
//! when there are few enough to list (up to 12 pages), otherwise the first, the last and the
//! pages around the current one. Plain links: no script, works in any browser.

use leptos::prelude::*;

/// The page numbers to list, with `None` where some are left out.
fn numbers(page: i64, pages: i64) -> Vec<Option<i64>> {
    if pages <= 12 {
        return (1..=pages).map(Some).collect();
    }
    let mut out = Vec::new();
    let mut last = 0;
    for n in 1..=pages {
        if n == 1 || n == pages || (n - page).abs() <= 2 {
            if n - last > 1 {
                out.push(None);
            }
            out.push(Some(n));
            last = n;
        }
    }
    out
}

/// How many pages `total` items make at `per_page` a page: at least one, so that an empty list
/// still has its first page.
pub fn page_count(total: i64, per_page: i64) -> i64 {
    ((total + per_page - 1) / per_page).max(1)
}

/// `href` with `page` added to its query (page 1 is the plain `href`), then `fragment`.
pub fn page_href(href: &str, page: i64, fragment: &str) -> String {
    let join = if href.contains('?') { '&' } else { '?' };
    if page <= 1 {
        format!("{href}{fragment}")
    } else {
        format!("{href}{join}page={page}{fragment}")
    }
}

#[component]
pub fn Pagination(
    /// The list's URL without a page number.
    #[prop(into)]
    href: String,
    page: i64,
    pages: i64,
    /// Names the navigation, such as "Pages of comments".
    #[prop(into)]
    label: String,
    /// Added to each link, such as `#comments`.
    #[prop(optional, into)]
    fragment: String,
) -> Option<AnyView> {
    if pages <= 1 {
        return None;
    }
    let link = |n: i64| page_href(&href, n, &fragment);
    let previous = (page > 1).then(|| {
        view! { <li><a href=link(page - 1) rel="prev">"Previous page"</a></li> }
    });
    let next = (page < pages).then(|| {
        view! { <li><a href=link(page + 1) rel="next">"Next page"</a></li> }
    });
    let numbers = numbers(page, pages)
        .into_iter()
        .map(|n| match n {
            Some(n) if n == page => view! {
                <li><span aria-current="page">{format!("Page {n}")}</span></li>
            }
            .into_any(),
            Some(n) => view! { <li><a href=link(n)>{format!("Page {n}")}</a></li> }.into_any(),
            None => view! { <li aria-hidden="true">"\u{2026}"</li> }.into_any(),
        })
        .collect_view();
    view! {
        <nav class="q-pagination" aria-label=label>
            <p>{format!("Page {page} of {pages}")}</p>
            <ul class="q-pagination__list">{previous}{numbers}{next}</ul>
        </nav>
    }
    .into_any()
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::render_fragment;

    #[test]
    fn few_pages_are_all_listed_and_the_current_is_not_a_link() {
        let html = render_fragment(
            || view! { <Pagination href="/t/1" page=2 pages=3 label="Pages of comments" fragment="#comments"/> },
        );
        assert!(
            html.contains(r##"<a href="/t/1#comments" rel="prev">Previous page</a>"##),
            "{html}"
        );
        assert!(
            html.contains(r#"<span aria-current="page">Page 2</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r##"href="/t/1?page=3#comments" rel="next""##),
            "{html}"
        );
        assert!(html.contains(r#"aria-label="Pages of comments""#), "{html}");
    }

    #[test]
    fn many_pages_leave_out_the_middle() {
        assert_eq!(
            numbers(10, 20),
            vec![
                Some(1),
                None,
                Some(8),
                Some(9),
                Some(10),
                Some(11),
                Some(12),
                None,
                Some(20)
            ]
        );
        assert_eq!(numbers(1, 13)[..4], [Some(1), Some(2), Some(3), None]);
        let none = render_fragment(|| view! { <Pagination href="/x" page=1 pages=1 label="x"/> });
        assert!(none.trim_start_matches("<!>").is_empty(), "{none}");
    }

    #[test]
    fn page_links_join_an_existing_query() {
        assert_eq!(page_href("/search?q=a", 2, ""), "/search?q=a&page=2");
        assert_eq!(page_href("/search?q=a", 1, "#r"), "/search?q=a#r");
    }
}
