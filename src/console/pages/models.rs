//! The "Models" page: the models the signed-in user may call, their exact names and aliases,
//! and code to call them with this gateway's own base URL.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::console::api::{MyModel, list_my_models};
use crate::console::components::clipboard;

#[component]
pub fn ModelsPage() -> impl IntoView {
    let models = Resource::new(|| (), |_| list_my_models());

    view! {
        <Title text="Models" />
        <h1>"Models"</h1>
        <p class="muted">"The models your API keys can call. Use the exact name or any alias as "<code>"model"</code>"."</p>
        <Transition fallback=|| view! { <p class="loading" aria-live="polite">"Loading models…"</p> }>
            {move || Suspend::new(async move {
                match models.await {
                    Ok(list) if list.models.is_empty() => view! {
                        <div class="card empty">
                            <p>"No models are available to you yet."</p>
                            <p class="muted">"Ask an admin to grant one of your groups access to a model."</p>
                        </div>
                    }
                    .into_any(),
                    Ok(list) => {
                        let base_url = list.api_base_url.clone();
                        list.models
                            .into_iter()
                            .map(|model| view! { <ModelCard model base_url=base_url.clone() /> })
                            .collect_view()
                            .into_any()
                    }
                    Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ModelCard(model: MyModel, base_url: String) -> impl IntoView {
    let snippets = [
        ("Python", python_snippet(&base_url, &model)),
        ("Node.js", node_snippet(&base_url, &model)),
        ("curl", curl_snippet(&base_url, &model)),
    ];
    let aliases = (!model.aliases.is_empty()).then(|| {
        view! {
            <p class="aliases">
                "Aliases: "
                {model.aliases.iter().map(|a| view! { <code>{a.clone()}</code>" " }).collect_view()}
            </p>
        }
    });

    view! {
        <section class="card model" aria-label=format!("Model {}", model.name)>
            <div class="model-head">
                <h2><code>{model.name.clone()}</code></h2>
                <CopyButton text=model.name.clone() label=format!("Copy model name {}", model.name) />
                <span class="badge">{model.kind.clone()}</span>
            </div>
            {aliases}
            <p class="muted">{model.description.clone()}</p>
            <details>
                <summary>"Code to call it"</summary>
                {snippets
                    .into_iter()
                    .map(|(language, code)| {
                        view! {
                            <div class="snippet-head">
                                <h3>{language}</h3>
                                <CopyButton text=code.clone() label=format!("Copy {language} snippet for {}", model.name) />
                            </div>
                            <pre class="snippet"><code>{code}</code></pre>
                        }
                    })
                    .collect_view()}
            </details>
        </section>
    }
}

#[component]
fn CopyButton(text: String, label: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    view! {
        <button
            type="button"
            class="button subtle small"
            aria-label=label
            on:click=move |_| clipboard::copy(text.clone(), move |ok| copied.set(ok))
        >
            {move || if copied.get() { "Copied" } else { "Copy" }}
        </button>
    }
}

fn python_snippet(base_url: &str, model: &MyModel) -> String {
    if model.kind == "embeddings" {
        return format!(
            "from openai import OpenAI\n\nclient = OpenAI(base_url=\"{base_url}\", api_key=\"YOUR_API_KEY\")\n\
             result = client.embeddings.create(model=\"{}\", input=\"Hello\")\n\
             print(result.data[0].embedding[:4])",
            model.name
        );
    }
    format!(
        "from openai import OpenAI\n\nclient = OpenAI(base_url=\"{base_url}\", api_key=\"YOUR_API_KEY\")\n\
         stream = client.chat.completions.create(\n    model=\"{}\",\n    \
         messages=[{{\"role\": \"user\", \"content\": \"Hello!\"}}],\n    stream=True,\n)\n\
         for chunk in stream:\n    if chunk.choices and chunk.choices[0].delta.content:\n        \
         print(chunk.choices[0].delta.content, end=\"\", flush=True)",
        model.name
    )
}

fn node_snippet(base_url: &str, model: &MyModel) -> String {
    if model.kind == "embeddings" {
        return format!(
            "import OpenAI from \"openai\";\n\nconst client = new OpenAI({{ baseURL: \"{base_url}\", apiKey: \"YOUR_API_KEY\" }});\n\
             const result = await client.embeddings.create({{ model: \"{}\", input: \"Hello\" }});\n\
             console.log(result.data[0].embedding.slice(0, 4));",
            model.name
        );
    }
    format!(
        "import OpenAI from \"openai\";\n\nconst client = new OpenAI({{ baseURL: \"{base_url}\", apiKey: \"YOUR_API_KEY\" }});\n\
         const stream = await client.chat.completions.create({{\n  model: \"{}\",\n  \
         messages: [{{ role: \"user\", content: \"Hello!\" }}],\n  stream: true,\n}});\n\
         for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta?.content ?? \"\");",
        model.name
    )
}

fn curl_snippet(base_url: &str, model: &MyModel) -> String {
    let (path, body) = if model.kind == "embeddings" {
        (
            "embeddings",
            format!("{{\"model\": \"{}\", \"input\": \"Hello\"}}", model.name),
        )
    } else {
        (
            "chat/completions",
            format!(
                "{{\"model\": \"{}\", \"messages\": [{{\"role\": \"user\", \"content\": \"Hello!\"}}]}}",
                model.name
            ),
        )
    };
    format!(
        "curl {base_url}/{path} \\\n  -H \"Authorization: Bearer $API_KEY\" \\\n  \
         -H \"Content-Type: application/json\" \\\n  -d '{body}'"
    )
}
