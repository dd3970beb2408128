//! Attached files: taking them from a form, listing them under a post, and serving them.
//!
//! A form that takes files has one `<input type="file" multiple>` (`files`). Each file sent is
//! checked (not empty, not over the size limit, a type Quorum takes, read from its bytes; an
//! image must decode), stored at once and kept *pending*, so that a preview or an answer with an
//! error never asks for it again: the page lists it with a ticked "Keep" box (`attachment`).
//! An image needs its text alternative (`alt-<id>`) or a tick that it is decorative
//! (`decorative-<id>`); the first image of a form can take them from the fields under the file
//! field (`alt`, `decorative`), so one image needs one pass. The post takes its pending files in
//! the transaction that writes it.
//!
//! Serving: `/files/<id>/<name>` (the file: shown in the page only for the images Quorum encoded
//! itself, downloaded otherwise), `/downloads/<id>/<name>` (always downloaded) and
//! `/previews/<id>` (an image's small preview). Each checks, on every request, that the person
//! may read the post the file belongs to, as its page does: 404 otherwise, and for a deleted post.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use sha2::{Digest, Sha256};

use super::threads::ThreadAccess;
use super::{AppError, Ctx, FormData};
use crate::AppState;
use crate::domain::files::{self, FileType, ImageProblem, Limits, size_words};
use crate::domain::permissions::Action;
use crate::domain::validation::FormErrors;
use crate::store::{Attachment, Claim, ImageSizes, NewAttachment, Owner, random_id, unix_now};

/// The most characters of an image's text alternative.
pub const ALT_MAX: usize = 1000;

/// The files a form holds after a submission: those kept from earlier attempts and those just
/// sent and taken, with the text alternatives and decorative ticks given.
#[derive(Debug, Clone, Default)]
pub struct Attaching {
    pub files: Vec<Attachment>,
    alts: HashMap<String, String>,
    decorative: Vec<String>,
    /// What the group's files take, and its quota, for the hint.
    pub room: Room,
    /// The post's files as it has them now, when it is being edited.
    posted: Vec<Claim>,
}

/// What a form's files are for: a post not yet written (in a thread, or a new thread), or one
/// being edited, whose own files the form shows.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    New { thread: Option<&'a str> },
    Edit(Owner<'a>),
}

/// How much room a group has for files: `used` is `None` where it is not worth a query (the
/// comment form under every thread page), and the hint then says the quota alone.
#[derive(Debug, Clone, Copy, Default)]
pub struct Room {
    pub used: Option<i64>,
    pub limits: Option<Limits>,
}

impl Room {
    pub async fn of(state: &AppState, group_id: &str) -> Result<Self, AppError> {
        Ok(Self {
            used: Some(state.store.group_files_usage(group_id).await?),
            limits: Some(state.config.file_limits),
        })
    }
}

impl Attaching {
    /// Nothing attached yet: what a blank form shows.
    pub async fn empty(state: &AppState, group_id: &str) -> Result<Self, AppError> {
        Ok(Self {
            room: Room::of(state, group_id).await?,
            ..Self::default()
        })
    }

    /// Nothing attached yet, with the limits but not the room left: for the comment form under
    /// every thread page, which is read far more often than it is used.
    pub fn blank(state: &AppState) -> Self {
        Self {
            room: Room {
                used: None,
                limits: Some(state.config.file_limits),
            },
            ..Self::default()
        }
    }

    /// A post's own files, as its edit form first shows them.
    pub async fn of_post(
        state: &AppState,
        group_id: &str,
        owner: Owner<'_>,
    ) -> Result<Self, AppError> {
        let posted = state.store.post_attachments(owner).await?;
        Ok(Self {
            alts: posted
                .iter()
                .filter_map(|f| f.alt.clone().map(|alt| (f.id.clone(), alt)))
                .collect(),
            decorative: posted
                .iter()
                .filter(|f| f.alt.as_deref() == Some(""))
                .map(|f| f.id.clone())
                .collect(),
            posted: as_posted(&posted),
            files: posted,
            room: Room::of(state, group_id).await?,
        })
    }

    /// The files kept in the form (the post's own, when `target` is a post being edited, and
    /// those sent in earlier attempts) and the files just sent, each checked; problems go in
    /// `errors`, and files that pass are stored and kept pending.
    pub async fn take(
        state: &AppState,
        ctx: &Ctx,
        group_id: &str,
        target: Target<'_>,
        form: &FormData,
        errors: &mut FormErrors,
    ) -> Result<Self, AppError> {
        let (thread_id, posted) = match target {
            Target::New { thread } => (thread, Vec::new()),
            Target::Edit(owner) => (
                Some(owner.thread()),
                state.store.post_attachments(owner).await?,
            ),
        };
        let viewer = ctx.require_viewer()?;
        let limits = state.config.file_limits;
        let kept_ids = form.all("attachment");
        let pending = state
            .store
            .pending_attachments(group_id, &viewer.account_id, &kept_ids)
            .await?;
        let mut files: Vec<Attachment> = kept_ids
            .iter()
            .filter_map(|id| posted.iter().chain(&pending).find(|f| &f.id == id).cloned())
            .collect();
        let room = Room::of(state, group_id).await?;
        let mut used = room.used.unwrap_or(0);
        let mut alts: HashMap<String, String> = files
            .iter()
            .map(|f| {
                (
                    f.id.clone(),
                    form.text(&format!("alt-{}", f.id)).to_string(),
                )
            })
            .collect();
        let mut decorative: Vec<String> = files
            .iter()
            .filter(|f| !form.text(&format!("decorative-{}", f.id)).is_empty())
            .map(|f| f.id.clone())
            .collect();
        let mut first_alt_used = false;
        let mut too_many = false;
        for upload in form.files("files") {
            let name = files::clean_name(&upload.name);
            let size = i64::try_from(upload.bytes.len()).unwrap_or(i64::MAX);
            if upload.bytes.is_empty() {
                errors.add_another(
                    "files",
                    format!("\u{201c}{name}\u{201d} is empty. Choose a file with something in it"),
                );
                continue;
            }
            if size > limits.file_bytes {
                errors.add_another(
                    "files",
                    format!(
                        "\u{201c}{name}\u{201d} is {}: a file can be up to {}. Make it smaller, or share it another way",
                        size_words(size),
                        size_words(limits.file_bytes)
                    ),
                );
                continue;
            }
            let Some(file_type) = FileType::sniff(&upload.bytes, &name) else {
                errors.add_another(
                    "files",
                    format!(
                        "\u{201c}{name}\u{201d} is not a kind of file Quorum takes. Attach {}",
                        files::ALLOWED_WORDS
                    ),
                );
                continue;
            };
            if files.len() >= limits.per_post {
                too_many = true;
                continue;
            }
            let stored = match store_file(state, &upload.bytes, file_type).await? {
                Ok(stored) => stored,
                Err(ImageProblem::Unreadable) => {
                    errors.add_another(
                        "files",
                        format!(
                            "\u{201c}{name}\u{201d} could not be read as an image. It may be damaged: open it, save it again and attach it again"
                        ),
                    );
                    continue;
                }
                Err(ImageProblem::TooLarge) => {
                    errors.add_another(
                        "files",
                        format!(
                            "\u{201c}{name}\u{201d} is too large an image: it can be up to {} pixels wide and high. Make it smaller and attach it again",
                            crate::domain::grouped(i64::from(files::IMAGE_MAX_SIDE))
                        ),
                    );
                    continue;
                }
            };
            let weight = stored.weight();
            if used + weight > limits.group_bytes {
                errors.add_another(
                    "files",
                    format!(
                        "This group has no room for \u{201c}{name}\u{201d} ({}): its files may take {} and {} is left. Ask an admin of the group to make room",
                        size_words(weight),
                        size_words(limits.group_bytes),
                        size_words((limits.group_bytes - used).max(0))
                    ),
                );
                continue;
            }
            let id = random_id()?;
            let name = files::with_extension(&name, stored.file_type);
            state
                .config
                .files
                .put(&id, stored.bytes)
                .await
                .map_err(internal)?;
            if let Some(preview) = stored.preview {
                state
                    .config
                    .files
                    .put(&format!("{id}.preview"), preview)
                    .await
                    .map_err(internal)?;
            }
            let record = state
                .store
                .add_pending_attachment(&NewAttachment {
                    id: &id,
                    group_id,
                    uploader_id: &viewer.account_id,
                    thread_id,
                    name: &name,
                    file_type: stored.file_type.tag(),
                    size: stored.size,
                    sha256: &stored.sha256,
                    image: stored.image,
                    now: unix_now(),
                })
                .await?;
            used += weight;
            if stored.image.is_some() && !first_alt_used {
                first_alt_used = true;
                alts.insert(id.clone(), form.text("alt").to_string());
                if !form.text("decorative").is_empty() {
                    decorative.push(id.clone());
                }
            }
            files.push(record);
        }
        if too_many {
            errors.add_another(
                "files",
                format!(
                    "A post can carry up to {} files. Untick some of the files kept below, or attach fewer",
                    limits.per_post
                ),
            );
        }
        let attaching = Self {
            files,
            alts,
            decorative,
            room: Room {
                used: Some(used),
                ..room
            },
            posted: as_posted(&posted),
        };
        attaching.check_alts(errors);
        Ok(attaching)
    }

    /// Every image needs words, or a tick that it is decorative.
    fn check_alts(&self, errors: &mut FormErrors) {
        for file in self.files.iter().filter(|f| f.is_image()) {
            let alt = self.alt(&file.id);
            let field = format!("alt-{}", file.id);
            if alt.chars().count() > ALT_MAX {
                errors.add(
                    field,
                    format!(
                        "The text alternative for \u{201c}{}\u{201d} must be {} characters or fewer",
                        file.name,
                        crate::domain::grouped(ALT_MAX as i64)
                    ),
                );
            } else if alt.trim().is_empty() && !self.is_decorative(&file.id) {
                errors.add(
                    field,
                    format!(
                        "Describe \u{201c}{}\u{201d} for people who cannot see it, or tick that it is decorative",
                        file.name
                    ),
                );
            }
        }
    }

    fn alt(&self, id: &str) -> &str {
        self.alts.get(id).map_or("", String::as_str)
    }

    fn is_decorative(&self, id: &str) -> bool {
        self.decorative.iter().any(|d| d == id)
    }

    /// Whether the post would take other files, or other words for them, than it has now.
    pub fn changes_post(&self) -> bool {
        self.claims() != self.posted
    }

    /// What the post takes: each file with its text alternative (empty for decorative).
    pub fn claims(&self) -> Vec<Claim> {
        self.files
            .iter()
            .map(|f| Claim {
                id: f.id.clone(),
                alt: f.is_image().then(|| {
                    if self.is_decorative(&f.id) {
                        String::new()
                    } else {
                        self.alt(&f.id).trim().to_string()
                    }
                }),
            })
            .collect()
    }
}

/// A post's files as they are stored, in the form `Attaching::claims` gives them.
fn as_posted(posted: &[Attachment]) -> Vec<Claim> {
    posted
        .iter()
        .map(|f| Claim {
            id: f.id.clone(),
            alt: f.is_image().then(|| f.alt.clone().unwrap_or_default()),
        })
        .collect()
}

fn internal(error: crate::storage::StorageError) -> AppError {
    AppError::Internal(error.into())
}

/// A file ready to store: its bytes as kept, its preview, and what the record needs.
struct Stored {
    file_type: FileType,
    bytes: Vec<u8>,
    size: i64,
    sha256: String,
    preview: Option<Vec<u8>>,
    image: Option<ImageSizes>,
}

impl Stored {
    fn weight(&self) -> i64 {
        self.size + self.image.map_or(0, |i| i.preview_size)
    }
}

/// Encodes an image again (off the async threads), or takes any other file as it came.
async fn store_file(
    _state: &AppState,
    bytes: &[u8],
    file_type: FileType,
) -> Result<Result<Stored, ImageProblem>, AppError> {
    let bytes = bytes.to_vec();
    tokio::task::spawn_blocking(move || {
        let hash = |b: &[u8]| {
            Sha256::digest(b)
                .iter()
                .map(|x| format!("{x:02x}"))
                .collect::<String>()
        };
        if !file_type.is_image() {
            return Ok(Stored {
                file_type,
                size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
                sha256: hash(&bytes),
                bytes,
                preview: None,
                image: None,
            });
        }
        let processed = files::process_image(&bytes, file_type)?;
        let len = |b: &[u8]| i64::try_from(b.len()).unwrap_or(i64::MAX);
        Ok(Stored {
            file_type: processed.file_type,
            size: len(&processed.bytes),
            sha256: hash(&processed.bytes),
            image: Some(ImageSizes {
                width: i64::from(processed.width),
                height: i64::from(processed.height),
                preview_size: len(&processed.preview),
                preview_width: i64::from(processed.preview_width),
                preview_height: i64::from(processed.preview_height),
            }),
            bytes: processed.bytes,
            preview: Some(processed.preview),
        })
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))
}

/// A file's type in words, from its record.
fn type_words(file: &Attachment) -> &'static str {
    FileType::from_tag(&file.file_type).map_or("file", FileType::words)
}

/// "Minutes March.pdf, PDF, 240 KB": how a link to a file reads.
pub fn describe(file: &Attachment) -> String {
    format!(
        "{}, {}, {}",
        file.name,
        type_words(file),
        size_words(file.size)
    )
}

pub fn file_href(file: &Attachment) -> String {
    format!("/files/{}/{}", file.id, url_segment(&file.name))
}

pub fn download_href(file: &Attachment) -> String {
    format!("/downloads/{}/{}", file.id, url_segment(&file.name))
}

pub fn preview_href(file: &Attachment) -> String {
    format!("/previews/{}", file.id)
}

fn url_segment(name: &str) -> String {
    form_urlencoded::byte_serialize(name.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// The fields a form takes files with: the file field with its limits, the text alternative of
/// a first image, and the files kept from an earlier attempt, each with its own.
#[component]
pub fn AttachFields(attaching: Attaching, errors: FormErrors) -> impl IntoView {
    let limits = attaching.room.limits.unwrap_or_default();
    let room = match attaching.room.used {
        Some(used) => format!(
            "This group has {} of {} left for files.",
            size_words((limits.group_bytes - used).max(0)),
            size_words(limits.group_bytes)
        ),
        None => format!(
            "A group\u{2019}s files may take up to {} in all.",
            size_words(limits.group_bytes)
        ),
    };
    let hint = format!(
        "Up to {} files, each up to {}. You can attach {}. Images are encoded again, which removes their location and camera details; people see a small preview with a link to the full size. {room}",
        limits.per_post,
        size_words(limits.file_bytes),
        files::ALLOWED_WORDS,
    );
    let error = errors.all_for_field("files");
    let has_error = error.is_some();
    let describedby = if has_error {
        "files-hint files-error"
    } else {
        "files-hint"
    };
    let kept = (!attaching.files.is_empty()).then(|| {
        let items = attaching
            .files
            .iter()
            .map(|file| kept_item(&attaching, file, &errors))
            .collect_view();
        view! {
            <fieldset class="q-fieldset q-attached">
                <legend class="q-fieldset__legend">"Files attached so far"</legend>
                <p class="q-hint">"They are kept while you write. Untick a file to leave it out."</p>
                {items}
            </fieldset>
        }
    });
    let alt_hint = "If you attach an image, say what it shows for people who cannot see it. If you attach several, you will be asked about each in turn.";
    view! {
        {kept}
        <div class=if has_error { "q-form-group q-form-group--error" } else { "q-form-group" }>
            <label class="q-label" for="files">"Attach files (optional)"</label>
            <div class="q-hint" id="files-hint">{hint}</div>
            {error.map(|e| view! {
                <p class="q-error-message" id="files-error"><span class="q-visually-hidden">"Error: "</span>{e}</p>
            })}
            <input class="q-file" type="file" id="files" name="files" multiple
                aria-describedby=describedby aria-invalid=has_error.then_some("true")/>
        </div>
        <div class="q-form-group">
            <label class="q-label" for="alt">"Text alternative for an image (optional)"</label>
            <div class="q-hint" id="alt-hint">{alt_hint}</div>
            <input class="q-input" type="text" id="alt" name="alt" aria-describedby="alt-hint"
                data-maxlength=ALT_MAX.to_string()/>
        </div>
        <div class="q-checkboxes q-form-group">
            <div class="q-checkboxes__item">
                <input class="q-checkboxes__input" type="checkbox" id="decorative" name="decorative" value="yes"/>
                <label class="q-label q-checkboxes__label" for="decorative">"The image is decorative: it adds nothing the words do not say"</label>
            </div>
        </div>
    }
}

fn kept_item(attaching: &Attaching, file: &Attachment, errors: &FormErrors) -> AnyView {
    let keep_id = format!("keep-{}", file.id);
    let label = format!("Keep {}", describe(file));
    let image = file.is_image().then(|| {
        let alt_field = format!("alt-{}", file.id);
        let error = errors.for_field(&alt_field);
        let has_error = error.is_some();
        let hint_id = format!("{alt_field}-hint");
        let error_id = format!("{alt_field}-error");
        let describedby = if has_error {
            format!("{hint_id} {error_id}")
        } else {
            hint_id.clone()
        };
        let decorative_id = format!("decorative-{}", file.id);
        let checked = attaching.is_decorative(&file.id);
        view! {
            <img class="q-attached__preview" src=preview_href(file) alt=""
                width=file.preview_width.unwrap_or(0).to_string()
                height=file.preview_height.unwrap_or(0).to_string()/>
            <div class=if has_error { "q-form-group q-form-group--error" } else { "q-form-group" }>
                <label class="q-label" for=alt_field.clone()>{format!("Text alternative for {}", file.name)}</label>
                <div class="q-hint" id=hint_id>"What the image shows, for people who cannot see it."</div>
                {error.map(|e| view! {
                    <p class="q-error-message" id=error_id><span class="q-visually-hidden">"Error: "</span>{e}</p>
                })}
                <input class="q-input" type="text" id=alt_field.clone() name=alt_field
                    value=attaching.alt(&file.id).to_string() aria-describedby=describedby
                    aria-invalid=has_error.then_some("true") data-maxlength=ALT_MAX.to_string()/>
            </div>
            <div class="q-checkboxes__item">
                <input class="q-checkboxes__input" type="checkbox" id=decorative_id.clone()
                    name=decorative_id.clone() value="yes" checked=checked/>
                <label class="q-label q-checkboxes__label" for=decorative_id>{format!("{} is decorative", file.name)}</label>
            </div>
        }
    });
    view! {
        <div class="q-attached__item">
            <div class="q-checkboxes__item">
                <input class="q-checkboxes__input" type="checkbox" id=keep_id.clone() name="attachment"
                    value=file.id.clone() checked/>
                <label class="q-label q-checkboxes__label" for=keep_id>{label}</label>
            </div>
            {image}
        </div>
    }
    .into_any()
}

/// The files of a post, under its words: a link with name, type and size for each, and for an
/// image its preview with its text alternative shown as a caption.
#[component]
pub fn AttachmentList(files: Vec<Attachment>) -> impl IntoView {
    (!files.is_empty()).then(|| {
        let items = files
            .into_iter()
            .map(|file| {
                let link = view! { <a href=file_href(&file)>{describe(&file)}</a> };
                if file.is_image() {
                    let alt = file.alt.clone().unwrap_or_default();
                    let caption = (!alt.is_empty())
                        .then(|| view! { <span class="q-attachment__alt">{alt}</span> " " });
                    view! {
                        <li class="q-attachment q-attachment--image">
                            <figure>
                                <img src=preview_href(&file) alt="" loading="lazy"
                                    width=file.preview_width.unwrap_or(0).to_string()
                                    height=file.preview_height.unwrap_or(0).to_string()/>
                                <figcaption>{caption}{link}</figcaption>
                            </figure>
                        </li>
                    }
                    .into_any()
                } else {
                    view! { <li class="q-attachment">{link}</li> }.into_any()
                }
            })
            .collect_view();
        view! { <ul class="q-attachments" aria-label="Attached files">{items}</ul> }
    })
}

/// Whether the person may read the post the file belongs to; "not found" otherwise.
async fn check_readable(state: &AppState, ctx: &Ctx, file: &Attachment) -> Result<(), AppError> {
    if file.part == "pending" {
        // Only its uploader, while still a member, sees a file waiting in their form.
        let viewer = ctx.viewer.as_ref().ok_or(AppError::NotFound)?;
        if file.uploader_id.as_deref() != Some(viewer.account_id.as_str()) {
            return Err(AppError::NotFound);
        }
        let group = state
            .store
            .group_by_id(&file.group_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let group = super::groups::GroupAccess::for_group(state, ctx, group).await?;
        group
            .permit(ctx, Action::Participate)
            .map_err(|_| AppError::NotFound)?;
        return Ok(());
    }
    let thread_id = file.thread_id.as_deref().ok_or(AppError::NotFound)?;
    let access = ThreadAccess::load(state, ctx, thread_id).await?;
    if access.thread.group_id != file.group_id {
        return Err(AppError::NotFound);
    }
    let permit = access.read_permit(ctx)?;
    match file.part.as_str() {
        "context" => Ok(()),
        "comment" => {
            let comment_id = file.comment_id.as_deref().ok_or(AppError::NotFound)?;
            state
                .store
                .comment(&permit, comment_id)
                .await?
                .filter(|c| c.thread_id == thread_id && !c.deleted)
                .map(|_| ())
                .ok_or(AppError::NotFound)
        }
        "poll" | "outcome" => {
            let poll_id = file.poll_id.as_deref().ok_or(AppError::NotFound)?;
            (state.store.poll_thread_id(poll_id).await?.as_deref() == Some(thread_id))
                .then_some(())
                .ok_or(AppError::NotFound)
        }
        _ => Err(AppError::NotFound),
    }
}

/// How a file is sent.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Serve {
    /// In the page when it is a safe image, downloaded otherwise.
    File,
    Download,
    Preview,
}

async fn serve(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    name: Option<&str>,
    how: Serve,
    request_headers: &HeaderMap,
) -> Result<Response, AppError> {
    let file = state
        .store
        .attachment(id)
        .await?
        .ok_or(AppError::NotFound)?;
    if name.is_some_and(|name| name != file.name) {
        return Err(AppError::NotFound);
    }
    if how == Serve::Preview && !file.is_image() {
        return Err(AppError::NotFound);
    }
    check_readable(state, ctx, &file).await?;
    let etag = format!(
        "\"{}{}\"",
        &file.sha256[..file.sha256.len().min(32)],
        if how == Serve::Preview { "-p" } else { "" }
    );
    let mut headers = HeaderMap::new();
    // Private: a shared cache must never keep it, and the browser asks again every time, so a
    // person who may no longer read the post no longer gets it.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    headers.insert(
        header::ETAG,
        HeaderValue::from_str(&etag).map_err(|e| AppError::Internal(e.into()))?,
    );
    // Nothing served here runs: no script, no plugin, no form, even if a browser were to render it.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
        ),
    );
    let file_type = FileType::from_tag(&file.file_type).ok_or(AppError::NotFound)?;
    let (media_type, inline) = match how {
        Serve::Preview => ("image/jpeg", true),
        Serve::File => (file_type.media_type(), file_type.shown_inline()),
        Serve::Download => (file_type.media_type(), false),
    };
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    let disposition = format!(
        "{}; filename=\"{}\"; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        ascii_name(&file.name),
        url_segment(&file.name)
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(|e| AppError::Internal(e.into()))?,
    );
    if request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
    {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    let key = if how == Serve::Preview {
        file.preview_key()
    } else {
        file.id.clone()
    };
    let bytes = state
        .config
        .files
        .get(&key)
        .await
        .map_err(internal)?
        .ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!(
                "the bytes of attachment {} are missing from {}",
                file.id,
                state.config.files.described
            ))
        })?;
    Ok((StatusCode::OK, headers, bytes).into_response())
}

/// The name with anything but printable ASCII replaced, for browsers that ignore `filename*`.
fn ascii_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `GET /files/<id>/<name>`.
pub async fn show_file(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((id, name)): Path<(String, String)>,
) -> Result<Response, AppError> {
    serve(&state, &ctx, &id, Some(&name), Serve::File, &headers).await
}

/// `GET /downloads/<id>/<name>`.
pub async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((id, name)): Path<(String, String)>,
) -> Result<Response, AppError> {
    serve(&state, &ctx, &id, Some(&name), Serve::Download, &headers).await
}

/// `GET /previews/<id>`.
pub async fn preview(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    serve(&state, &ctx, &id, None, Serve::Preview, &headers).await
}

/// The file job: deletes from storage the bytes of files no longer wanted (their post deleted,
/// taken off it, or left pending a day), then their records. Returns how many went.
pub async fn remove_unwanted(state: &AppState) -> anyhow::Result<usize> {
    let unwanted = state.store.unwanted_attachments(unix_now(), 200).await?;
    for file in &unwanted {
        state.config.files.delete(&file.id).await?;
        if file.is_image() {
            state.config.files.delete(&file.preview_key()).await?;
        }
        state.store.forget_attachment(&file.id).await?;
    }
    Ok(unwanted.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_headers_and_addresses_cannot_break_out() {
        assert_eq!(ascii_name("Résumé \"final\".pdf"), "R_sum_ _final_.pdf");
        assert_eq!(url_segment("a b/c?.pdf"), "a%20b%2Fc%3F.pdf");
    }
}
