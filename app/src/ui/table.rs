//! Tables of data, always with a caption.
//!
//! Accessibility: `<caption>` names the table (a screen reader reads it when entering); column
//! headers are `th scope="col"`; when `row_headers` is set the first cell of each row is a
//! `th scope="row"`, so moving along a row announces what the row is. Numbers are right-aligned by
//! class, not by layout tricks. On narrow screens the table scrolls inside its wrapper rather than
//! the page (WCAG 1.4.10 allows two-dimensional data to scroll). The table itself takes keyboard
//! focus, so arrow keys scroll it; the wrapper is not a named region, which would make a screen
//! reader announce the caption twice (once for the region, once for the table).

use leptos::prelude::*;

#[component]
pub fn Table(
    #[prop(into)] caption: String,
    head: Vec<String>,
    rows: Vec<Vec<String>>,
    /// The first cell of each row names the row.
    #[prop(optional)]
    row_headers: bool,
    /// Indices of columns holding numbers, aligned right.
    #[prop(optional)]
    numeric: Vec<usize>,
) -> impl IntoView {
    let cell_class = move |index: usize| {
        if numeric.contains(&index) {
            "q-table__cell q-table__cell--numeric"
        } else {
            "q-table__cell"
        }
    };
    let head = head
        .into_iter()
        .enumerate()
        .map(|(i, text)| view! { <th scope="col" class=cell_class(i)>{text}</th> })
        .collect_view();
    let body = rows
        .into_iter()
        .map(|row| {
            let cells = row
                .into_iter()
                .enumerate()
                .map(|(i, text)| {
                    if i == 0 && row_headers {
                        view! { <th scope="row" class=cell_class(i)>{text}</th> }.into_any()
                    } else {
                        view! { <td class=cell_class(i)>{text}</td> }.into_any()
                    }
                })
                .collect_view();
            view! { <tr>{cells}</tr> }
        })
        .collect_view();
    view! {
        <div class="q-table-wrap">
            <table class="q-table" tabindex="0">
                <caption class="q-table__caption">{caption}</caption>
                <thead><tr>{head}</tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::render_fragment;

    #[test]
    fn a_table_has_a_caption_and_scoped_headers() {
        let html = render_fragment(|| {
            view! {
                <Table caption="Votes" head=vec!["Option".into(), "Votes".into()]
                    rows=vec![vec!["Agree".into(), "3".into()]] row_headers=true numeric=vec![1]/>
            }
        });
        // The caption names the table once: the scrolling wrapper has no role or name of its own,
        // and the table takes the keyboard focus that scrolls it.
        assert!(
            html.starts_with(r#"<div class="q-table-wrap"><table tabindex="0" class="q-table">"#),
            "{html}"
        );
        assert!(!html.contains("aria-label"), "{html}");
        assert!(
            html.contains(r#"<caption class="q-table__caption">Votes</caption>"#),
            "{html}"
        );
        assert!(html.contains(
            r#"<th scope="col" class="q-table__cell q-table__cell--numeric">Votes</th>"#
        ));
        assert!(html.contains(r#"<th scope="row" class="q-table__cell">Agree</th><td class="q-table__cell q-table__cell--numeric">3</td>"#), "{html}");
    }
}
