//! What the colours mean.

use yew::prelude::*;

/// Properties of [`Legend`].
#[derive(Properties, PartialEq)]
pub struct LegendProps {
    /// Whether a selection dims part of the graph.
    pub selecting: bool,
    /// Whether the picture folds some groups.
    pub folding: bool,
}

/// The legend under the graph.
#[component]
pub fn Legend(props: &LegendProps) -> Html {
    html! {
        <ul class="legend" aria-label="Legend">
            <li><span class="swatch actor"></span>{ "people & pipelines" }</li>
            <li><span class="swatch source"></span>{ "source resource" }</li>
            <li><span class="swatch identity"></span>{ "managed identity" }</li>
            <li><span class="swatch target"></span>{ "target scope" }</li>
            <li><span class="swatch cross"></span>{ "crosses environments" }</li>
            if props.folding {
                <li><span class="swatch stack"></span>{ "folded group: click to open" }</li>
            }
            if props.selecting {
                <li><span class="swatch ring"></span>{ "selected" }</li>
                <li><span class="swatch faded"></span>{ "outside the selection" }</li>
            }
        </ul>
    }
}
