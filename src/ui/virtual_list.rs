//! A virtualized list: only the rows in view (plus a margin) are in the DOM, so a list
//! of 20,000 messages costs what 30 rows cost. The rows not rendered are stood in for by
//! spacers sized through SVG's height attribute rather than a style attribute, so the page's
//! Content-Security-Policy needs no inline styles.

use web_sys::Element;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Accessible name of the list.
    pub label: AttrValue,
    pub len: usize,
    /// Every row is this tall (px); fixed heights make the window arithmetic exact.
    pub row_height: u32,
    /// CSS class of the scrolling box (its height comes from the stylesheet).
    #[prop_or_default]
    pub class: AttrValue,
    /// Renders row `i` (0 = first) as an `<li>`.
    pub render: Callback<usize, Html>,
    /// Told the scroll offset in rows when the user scrolls (0 = at the top).
    #[prop_or_default]
    pub on_scroll: Callback<u32>,
    /// Changes whenever the rows' content may have changed.
    #[prop_or_default]
    pub version: u64,
}

/// Rows rendered beyond the visible ones on each side, so fast scrolling shows no gaps.
const OVERSCAN: usize = 6;

#[function_component(VirtualList)]
pub fn virtual_list(p: &Props) -> Html {
    let scroller = use_node_ref();
    let scroll_top = use_state(|| 0u32);
    let viewport = use_state(|| 600u32);
    let onscroll = {
        let (scroller, scroll_top, viewport, on_scroll, h) = (
            scroller.clone(),
            scroll_top.clone(),
            viewport.clone(),
            p.on_scroll.clone(),
            p.row_height,
        );
        Callback::from(move |_: Event| {
            if let Some(el) = scroller.cast::<Element>() {
                let top = el.scroll_top().max(0) as u32;
                scroll_top.set(top);
                viewport.set(el.client_height().max(0) as u32);
                on_scroll.emit(top / h.max(1));
            }
        })
    };
    {
        let (scroller, viewport) = (scroller.clone(), viewport.clone());
        use_effect_with((), move |_| {
            if let Some(el) = scroller.cast::<Element>() {
                viewport.set(el.client_height().max(0) as u32);
            }
        });
    }
    let h = p.row_height.max(1) as usize;
    let first = (*scroll_top as usize / h).saturating_sub(OVERSCAN).min(p.len);
    let visible = (*viewport as usize).div_ceil(h) + 2 * OVERSCAN;
    let last = (first + visible).min(p.len);
    html! {
        <div Class={format!("vscroll {}", p.class)} ref={scroller} {onscroll}>
            { spacer(first * h) }
            <ul class="vrows" aria-label={p.label.clone()}>
                { for (first..last).map(|i| p.render.emit(i)) }
            </ul>
            { spacer((p.len - last) * h) }
        </div>
    }
}

/// Empty room `px` tall.
fn spacer(px: usize) -> Html {
    html! { <svg class="vpad" height={px.to_string()} aria-hidden="true" /> }
}
