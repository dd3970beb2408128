//! `/g/<handle>/threads/new`: start a thread (title, context in markdown, and in an open group
//! whether anyone or only members may read it), with a "Preview" button that shows the context
//! as it will look, without JavaScript.

use axum::extract::{Path, State};
use axum::response::Response;
use leptos::prelude::*;

use super::{MARKDOWN_HINT, Preview, thread_href, wants_preview};
use crate::AppState;
use crate::domain::groups::Privacy;
use crate::domain::permissions::Action;
use crate::domain::threads::{CONTEXT_MAX, TITLE_MAX, ThreadAnswers, check_thread};
use crate::domain::validation::FormErrors;
use crate::pages::attachments::{AttachFields, Attaching, AttachmentList, Target};
use crate::pages::groups::GroupAccess;
use crate::pages::{AppError, Ctx, FormData, html, see_other};
use crate::store::{NewThread, new_content_id, unix_now};
use crate::ui::{
    Button, ButtonStyle, Choice, Crumb, ErrorSummary, Form, NavArea, Page, PageHeading, RadioGroup,
    TextInput, Textarea, render_document,
};

const TITLE: &str = "Start a thread";

/// `GET /g/<handle>/threads/new`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(handle): Path<String>,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    access.permit(&ctx, Action::StartThread)?;
    let answers = ThreadAnswers {
        visibility: "public".into(),
        ..ThreadAnswers::default()
    };
    let attaching = Attaching::empty(&state, &access.group.id).await?;
    Ok(render(
        &ctx,
        &access,
        answers,
        FormErrors::new(),
        attaching,
        false,
    ))
}

/// `POST /g/<handle>/threads/new`.
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(handle): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    let permit = access.permit(&ctx, Action::StartThread)?;
    let viewer = ctx.require_viewer()?;
    let answers = answers_from(&form);
    let open = access.group.privacy() == Privacy::Open;
    let mut errors = check_thread(&answers, open);
    let attaching = Attaching::take(
        &state,
        &ctx,
        &access.group.id,
        Target::New { thread: None },
        &form,
        &mut errors,
    )
    .await?;
    if !errors.is_empty() || wants_preview(&form) {
        return Ok(render(
            &ctx,
            &access,
            answers,
            errors,
            attaching,
            wants_preview(&form),
        ));
    }
    let id = new_content_id()?;
    let claims = attaching.claims();
    state
        .store
        .create_thread(
            &permit,
            &NewThread {
                id: &id,
                author_id: &viewer.account_id,
                title: answers.title.trim(),
                context: answers.context.trim_end(),
                private: !open || answers.visibility == "private",
                now: unix_now(),
                attachments: &claims,
            },
        )
        .await?;
    Ok(see_other(&format!("{}?done=started", thread_href(&id))))
}

pub fn answers_from(form: &FormData) -> ThreadAnswers {
    ThreadAnswers {
        title: form.text("title").to_string(),
        context: form.text("context").to_string(),
        visibility: form.text("visibility").to_string(),
    }
}

fn render(
    ctx: &Ctx,
    access: &GroupAccess,
    answers: ThreadAnswers,
    errors: FormErrors,
    attaching: Attaching,
    preview: bool,
) -> Response {
    let mut crumbs = access.crumbs("Threads");
    crumbs.pop();
    crumbs.push(Crumb::link("Threads", format!("{}/threads", access.href())));
    crumbs.push(Crumb::current(TITLE));
    let action = format!("{}/threads/new", access.href());
    let name = access.group.name.clone();
    let open = access.group.privacy() == Privacy::Open;
    let status = crate::pages::form_status(!errors.is_empty());
    let has_errors = !errors.is_empty();
    let lead = if open {
        format!("A thread is a discussion in {name}. Members can comment and reply.")
    } else {
        format!("A thread is a discussion in {name}. Only its members can read it.")
    };
    html(
        status,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=TITLE has_errors=has_errors area=NavArea::Groups breadcrumbs=crumbs>
                    <ErrorSummary errors=errors.clone()/>
                    <PageHeading text=TITLE caption=name.clone() lead=lead/>
                    {(preview && !has_errors).then(|| view! {
                        <Preview heading="Preview of your thread" title=answers.title.clone() source=answers.context.clone() level=2/>
                        <AttachmentList files=attaching.files.clone()/>
                    })}
                    <Form action=action files=true>
                        <ThreadFields answers=answers errors=errors.clone() open=open group_name=name/>
                        <AttachFields attaching=attaching.clone() errors=errors.clone()/>
                        <div class="q-button-group">
                            <Button text="Start thread"/>
                            <Button text="Preview" style=ButtonStyle::Secondary name="intent" value="preview"/>
                        </div>
                    </Form>
                </Page>
            }
        }),
    )
}

/// The fields of the thread form, shared by starting and editing a thread.
#[component]
pub fn ThreadFields(
    answers: ThreadAnswers,
    errors: FormErrors,
    /// Whether the group is open, so that a thread may be public.
    open: bool,
    group_name: String,
) -> impl IntoView {
    let visibility = open.then(|| {
        let choices = vec![
            Choice::new("public", "Anyone").with_hint(
                "Anyone can read it, as they can read the group. Only members can comment.",
            ),
            Choice::new("private", format!("Members of {group_name} only"))
                .with_hint("People who are not members cannot find or read it."),
        ];
        view! {
            <RadioGroup name="visibility" legend="Who can read this thread?" choices=choices
                selected=Some(answers.visibility.clone()) error=errors.for_field("visibility")/>
        }
    });
    view! {
        <TextInput name="title" label="Title" hint="What the thread is about, in 150 characters or fewer."
            value=answers.title.clone() error=errors.for_field("title") max_chars=TITLE_MAX/>
        <Textarea name="context" label="Context (optional)"
            hint=format!("Background, questions and links that help people take part. {MARKDOWN_HINT}")
            value=answers.context.clone() error=errors.for_field("context") rows=10 max_chars=CONTEXT_MAX/>
        {visibility}
    }
}
