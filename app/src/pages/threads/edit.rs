//! `/t/<id>/edit`: change a thread's title, context and (in an open group) who can read it.
//! Each save is a new version; the history page shows them all to anyone who can read the
//! thread.

use axum::extract::{Path, State};
use axum::response::Response;
use leptos::prelude::*;

use super::new::{ThreadFields, answers_from};
use super::{Preview, ThreadAccess, wants_preview};
use crate::AppState;
use crate::domain::groups::Privacy;
use crate::domain::permissions::Action;
use crate::domain::threads::{ThreadAnswers, check_thread};
use crate::domain::validation::FormErrors;
use crate::pages::attachments::{AttachFields, Attaching, AttachmentList, Target};
use crate::pages::{AppError, ClientIp, Ctx, FormData, html, see_other};
use crate::store::{Owner, ThreadEdit, unix_now};
use crate::ui::{
    Button, ButtonStyle, ErrorSummary, Form, NavArea, Page, PageHeading, render_document,
};

const TITLE: &str = "Edit the thread";

/// `GET /t/<id>/edit`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let access = ThreadAccess::load(&state, &ctx, &id).await?;
    access.change_permit(&ctx)?;
    if access.thread.is_closed() {
        return Err(AppError::NotFound);
    }
    let answers = ThreadAnswers {
        title: access.thread.title.clone(),
        context: access.thread.context.clone(),
        visibility: if access.thread.private {
            "private"
        } else {
            "public"
        }
        .into(),
    };
    let attaching = Attaching::of_post(
        &state,
        &access.group.group.id,
        Owner::Context { thread: &id },
    )
    .await?;
    Ok(render(
        &ctx,
        &access,
        answers,
        FormErrors::new(),
        attaching,
        false,
    ))
}

/// `POST /t/<id>/edit`.
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let access = ThreadAccess::load(&state, &ctx, &id).await?;
    let permit = access.change_permit(&ctx)?;
    let viewer = ctx.require_viewer()?;
    let answers = answers_from(&form);
    let open = access.group.group.privacy() == Privacy::Open && access.group.can(Action::Moderate);
    let mut errors = check_thread(&answers, open);
    let attaching = Attaching::take(
        &state,
        &ctx,
        &access.group.group.id,
        Target::Edit(Owner::Context { thread: &id }),
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
    let claims = attaching.claims();
    // Making a members-only thread public would publish members' comments: only admins may.
    let private =
        (open && access.group.can(Action::Moderate)).then(|| answers.visibility == "private");
    state
        .store
        .edit_thread(
            &permit,
            &id,
            &ThreadEdit {
                editor_id: &viewer.account_id,
                title: answers.title.trim(),
                context: answers.context.trim_end(),
                private,
                now: unix_now(),
                attachments: Some(&claims),
            },
        )
        .await?
        .ok_or(AppError::NotFound)?;
    if !access.is_author(&ctx) {
        crate::pages::sign_in::audit_group_with(
            &state,
            "thread_edited",
            &viewer.account_id,
            &access.group.group.id,
            ip,
            access.thread.author_id.as_deref(),
            Some(&format!("\u{201c}{}\u{201d}", answers.title.trim())),
        )
        .await;
    }
    Ok(see_other(&format!("{}?done=edited", access.href())))
}

fn render(
    ctx: &Ctx,
    access: &ThreadAccess,
    answers: ThreadAnswers,
    errors: FormErrors,
    attaching: Attaching,
    preview: bool,
) -> Response {
    let crumbs = access.crumbs(TITLE);
    let action = format!("{}/edit", access.href());
    let name = access.group.group.name.clone();
    let open = access.group.group.privacy() == Privacy::Open && access.group.can(Action::Moderate);
    let status = crate::pages::form_status(!errors.is_empty());
    let has_errors = !errors.is_empty();
    let caption = access.thread.title.clone();
    let back = access.href();
    html(
        status,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=TITLE has_errors=has_errors area=NavArea::Groups breadcrumbs=crumbs>
                    <ErrorSummary errors=errors.clone()/>
                    <PageHeading text=TITLE caption=caption
                        lead="Your changes are saved as a new version. Anyone who can read the thread can see earlier versions."/>
                    {(preview && !has_errors).then(|| view! {
                        <Preview heading="Preview of the thread" title=answers.title.clone() source=answers.context.clone() level=2/>
                        <AttachmentList files=attaching.files.clone()/>
                    })}
                    <Form action=action files=true>
                        <ThreadFields answers=answers errors=errors.clone() open=open group_name=name/>
                        <AttachFields attaching=attaching.clone() errors=errors.clone()/>
                        <div class="q-button-group">
                            <Button text="Save changes"/>
                            <Button text="Preview" style=ButtonStyle::Secondary name="intent" value="preview"/>
                        </div>
                    </Form>
                    <p><a href=back>"Back to the thread without saving"</a></p>
                </Page>
            }
        }),
    )
}
