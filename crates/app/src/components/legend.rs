//! What the colours mean.

use yew::prelude::*;

/// The legend under the graph.
#[component]
pub fn Legend() -> Html {
    html! {
        <ul class="legend" aria-label="Legend">
            <li><span class="swatch actor"></span>{ "people & pipelines" }</li>
            <li><span class="swatch source"></span>{ "source resource" }</li>
            <li><span class="swatch identity"></span>{ "managed identity" }</li>
            <li><span class="swatch target"></span>{ "target scope" }</li>
            <li><span class="swatch cross"></span>{ "crosses environments" }</li>
        </ul>
    }
}
