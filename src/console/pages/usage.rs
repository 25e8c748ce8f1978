//! The "Usage" page: requests and tokens over time by model or key, responses by status,
//! latency percentiles and per-key totals, for a chosen time range. Charts are SVG drawn on
//! the server, so they are in the first HTML the browser gets.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::console::api::{Series, UsageReport, load_usage};
use crate::console::format::{count, latency_bound};

const RANGES: [(&str, &str); 4] = [
    ("24h", "Last 24 hours"),
    ("7d", "Last 7 days"),
    ("30d", "Last 30 days"),
    ("90d", "Last 90 days"),
];

#[component]
pub fn UsagePage() -> impl IntoView {
    let range = RwSignal::new("24h".to_owned());
    let by = RwSignal::new("model".to_owned());
    let report = Resource::new(
        move || (range.get(), by.get()),
        |(range, by)| load_usage(range, by),
    );

    view! {
        <Title text="Usage" />
        <div class="page-head">
            <h1>"Usage"</h1>
            <div class="toolbar">
                <label>
                    "Time range "
                    <select
                        prop:value=move || range.get()
                        on:change=move |ev| range.set(event_target_value(&ev))
                    >
                        {RANGES
                            .iter()
                            .map(|(value, text)| view! { <option value=*value>{*text}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    "Group by "
                    <select
                        prop:value=move || by.get()
                        on:change=move |ev| by.set(event_target_value(&ev))
                    >
                        <option value="model">"Model"</option>
                        <option value="key">"API key"</option>
                    </select>
                </label>
            </div>
        </div>
        <Transition fallback=|| view! { <p class="loading" aria-live="polite">"Loading usage…"</p> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(report) => view! { <Report report /> }.into_any(),
                    Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Report(report: UsageReport) -> impl IntoView {
    let whose = if report.everyone {
        "All users' keys"
    } else {
        "Your keys"
    };
    if report.requests == 0 {
        return view! {
            <p class="muted">{whose}"."</p>
            <div class="card empty">
                <p>"No requests in this period yet."</p>
                <p class="muted">"Calls to the API with your keys show up here within seconds."</p>
            </div>
        }
        .into_any();
    }

    let per = if report.hourly { "hour" } else { "day" };
    let error_rate = 100.0 * report.errors as f64 / report.requests as f64;
    let tokens = report.prompt_tokens + report.completion_tokens;
    view! {
        <p class="muted">{whose}"."</p>
        <dl class="stats" aria-label="Totals">
            <div class="card"><dt>"Requests"</dt><dd data-testid="total-requests">{count(report.requests)}</dd></div>
            <div class="card"><dt>"Tokens"</dt><dd data-testid="total-tokens">{count(tokens)}</dd>
                <dd class="muted">{format!("{} prompt · {} completion", count(report.prompt_tokens), count(report.completion_tokens))}</dd>
            </div>
            <div class="card"><dt>"Errors"</dt><dd>{format!("{error_rate:.1}%")}</dd>
                <dd class="muted">{format!("{} of {}", count(report.errors), count(report.requests))}</dd>
            </div>
        </dl>
        <Chart title=format!("Requests per {per}") svg=report.requests_chart series=report.series.clone() />
        <Chart title=format!("Tokens per {per}") svg=report.tokens_chart series=report.series />
        <div class="usage-grid">
            <figure class="card chart">
                <figcaption>"Responses by status"</figcaption>
                <div class="chart-svg" role="img" aria-label="Responses by status" inner_html=report.status_chart></div>
                <table>
                    <thead><tr><th scope="col">"Status"</th><th scope="col" class="num">"Requests"</th><th scope="col" class="num">"Share"</th></tr></thead>
                    <tbody>
                        {report.statuses.iter().map(|s| view! {
                            <tr>
                                <td>{s.status}</td>
                                <td class="num">{count(s.requests)}</td>
                                <td class="num">{format!("{:.1}%", 100.0 * s.requests as f64 / report.requests as f64)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </figure>
            <section class="card">
                <h2>"Latency by model"</h2>
                <p class="muted">"From arrival to the last byte; percentiles are histogram bucket bounds."</p>
                <table>
                    <thead><tr>
                        <th scope="col">"Model"</th><th scope="col" class="num">"Requests"</th>
                        <th scope="col" class="num">"p50"</th><th scope="col" class="num">"p90"</th><th scope="col" class="num">"p99"</th>
                    </tr></thead>
                    <tbody>
                        {report.latency.into_iter().map(|m| view! {
                            <tr>
                                <td><code>{if m.model.is_empty() { "(no model)".to_owned() } else { m.model }}</code></td>
                                <td class="num">{count(m.requests)}</td>
                                <td class="num">{latency_bound(m.p50_ms)}</td>
                                <td class="num">{latency_bound(m.p90_ms)}</td>
                                <td class="num">{latency_bound(m.p99_ms)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        </div>
        <section class="card">
            <h2>"By API key"</h2>
            <table>
                <thead><tr>
                    <th scope="col">"Key"</th>
                    {report.everyone.then(|| view! { <th scope="col">"Owner"</th> })}
                    <th scope="col" class="num">"Requests"</th><th scope="col" class="num">"Errors"</th>
                    <th scope="col" class="num">"Prompt tokens"</th><th scope="col" class="num">"Completion tokens"</th>
                </tr></thead>
                <tbody>
                    {report.keys.into_iter().map(|k| view! {
                        <tr>
                            <td>{k.name}</td>
                            {report.everyone.then(|| view! { <td>{k.owner.unwrap_or_default()}</td> })}
                            <td class="num">{count(k.requests)}</td>
                            <td class="num">{count(k.errors)}</td>
                            <td class="num">{count(k.prompt_tokens)}</td>
                            <td class="num">{count(k.completion_tokens)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
    .into_any()
}

/// A server-drawn chart with its legend.
#[component]
fn Chart(title: String, svg: String, series: Vec<Series>) -> impl IntoView {
    view! {
        <figure class="card chart">
            <figcaption>{title.clone()}</figcaption>
            <div class="chart-svg" role="img" aria-label=title inner_html=svg></div>
            <ul class="legend">
                {series.into_iter().map(|s| view! {
                    <li><span class="swatch" style=format!("background:{}", s.color)></span>{s.name}</li>
                }).collect_view()}
            </ul>
        </figure>
    }
}
