//! Attached files, over HTTP to the real server: attaching with the plain form (JavaScript off),
//! the error for each bad file with the answers and the files already sent kept, text
//! alternatives, previews, the permission check on every file address, metadata stripped from
//! images, and files removed from storage with their post. The storage tests run twice: on
//! the folder in the data folder, and on a real S3-compatible server when `scripts/test` could
//! start one (`QUORUM_TEST_S3_ENDPOINT`); without it they say so and run on the folder only.
#![expect(clippy::unwrap_used, reason = "tests stop at the first surprise")]

mod support;

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use support::browser::Browser;
use support::journey::{account_id, create_group, signed_in_browser_named, start_with_mail_and};
use support::smtp::SmtpSink;
use support::{TestApp, TestAppBuilder, attribute_values, count};

const BUCKET: &str = "quorum-tests";

/// Where a test server keeps its files.
#[derive(Debug, Clone)]
enum Storage {
    Folder,
    S3 { endpoint: String, prefix: String },
}

impl Storage {
    /// The folder always; S3 too when a server is there to use.
    async fn all() -> Vec<Self> {
        let mut all = vec![Self::Folder];
        match std::env::var("QUORUM_TEST_S3_ENDPOINT") {
            Ok(endpoint) if !endpoint.is_empty() => {
                // A bucket of the tests' own; making it again is harmless.
                let made = reqwest::Client::new()
                    .put(format!("{endpoint}/{BUCKET}"))
                    .send()
                    .await
                    .unwrap();
                assert!(made.status().is_success(), "{}", made.status());
                let prefix = format!("run-{}", random_hex());
                all.push(Self::S3 { endpoint, prefix });
            }
            _ => eprintln!(
                "notice: QUORUM_TEST_S3_ENDPOINT is not set, so the S3-compatible storage runs of this test are skipped (scripts/test starts a server for them)"
            ),
        }
        all
    }

    fn configure(&self, builder: TestAppBuilder) -> TestAppBuilder {
        match self {
            Self::Folder => builder,
            Self::S3 { endpoint, prefix } => builder
                .env("QUORUM_STORAGE_URL", format!("s3://{BUCKET}/{prefix}"))
                .env("QUORUM_S3_ENDPOINT", endpoint)
                .env("QUORUM_S3_REGION", "us-east-1")
                .env("QUORUM_S3_ACCESS_KEY_ID", "quorum-test")
                .env("QUORUM_S3_SECRET_ACCESS_KEY", "quorum-test-secret"),
        }
    }

    /// The names of the files kept, as the storage itself lists them.
    async fn names(&self, app: &TestApp) -> Vec<String> {
        match self {
            Self::Folder => {
                let dir = app.data_dir().join("files");
                let mut names: Vec<String> = std::fs::read_dir(&dir)
                    .map(|entries| {
                        entries
                            .filter_map(Result::ok)
                            .map(|e| e.file_name().to_string_lossy().into_owned())
                            .collect()
                    })
                    .unwrap_or_default();
                names.sort();
                names
            }
            Self::S3 { endpoint, prefix } => {
                let listing = reqwest::Client::new()
                    .get(format!("{endpoint}/{BUCKET}?list-type=2&prefix={prefix}/"))
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                let mut names: Vec<String> = listing
                    .split("<Key>")
                    .skip(1)
                    .filter_map(|rest| rest.split("</Key>").next())
                    .map(|key| key.trim_start_matches(&format!("{prefix}/")).to_string())
                    .collect();
                names.sort();
                names
            }
        }
    }
}

fn random_hex() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).unwrap();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A photo as a phone writes it: a JPEG with an EXIF block naming where it was taken.
fn photo_with_location(width: u32, height: u32) -> Vec<u8> {
    let pixels = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x * y) % 256) as u8])
    });
    let mut plain = Vec::new();
    image::DynamicImage::ImageRgb8(pixels)
        .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
            &mut plain, 92,
        ))
        .unwrap();
    let payload = b"Exif\0\0MM\0*GPSLatitude 51.5074 N GPSLongitude 0.1278 W CameraSerial QX-9911";
    let mut bytes = plain[..2].to_vec();
    bytes.extend_from_slice(&[0xFF, 0xE1]);
    bytes.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
    bytes.extend_from_slice(payload);
    bytes.extend_from_slice(&plain[2..]);
    bytes
}

fn pdf(size: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.resize(size, b'x');
    bytes
}

/// A group with Ann (admin), Bob (member) and Cat (member of another group); a members-only
/// thread in it. Returns the server, Ann, Bob, Cat and the thread's path.
async fn setup(builder: TestAppBuilder) -> (TestApp, SmtpSink, [Browser; 3], String) {
    let (app, sink) = start_with_mail_and(builder).await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let bob = signed_in_browser_named(&app, &sink, "bob@example.org", "Bob Roe").await;
    let cat = signed_in_browser_named(&app, &sink, "cat@example.org", "Cat Poe").await;
    create_group(&ann, "Tea Club", "tea", "open").await;
    create_group(&cat, "Chess Club", "chess", "open").await;
    let joined = bob.submit("/g/tea", "/g/tea/join", &[]).await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
    let started = ann
        .submit(
            "/g/tea/threads/new",
            "/g/tea/threads/new",
            &[
                ("title", "Spring meeting"),
                ("context", "Papers for the meeting."),
                ("visibility", "private"),
            ],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let thread = path_of(&started);
    (app, sink, [ann, bob, cat], thread)
}

/// The addresses of a page's attached files: (file, download, preview) of each, in order.
fn file_links(page: &str) -> Vec<String> {
    attribute_values(page, "href")
        .into_iter()
        .chain(attribute_values(page, "src"))
        .filter(|v| {
            v.starts_with("/files/") || v.starts_with("/previews/") || v.starts_with("/downloads/")
        })
        .map(str::to_string)
        .collect()
}

async fn fetch(browser: &Browser, path: &str) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let response = browser
        .send(browser.request(reqwest::Method::GET, path))
        .await;
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.bytes().await.unwrap().to_vec())
}

fn header<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_member_attaches_a_document_and_a_photo_and_only_those_who_may_read_the_thread_get_them()
{
    for storage in Storage::all().await {
        let (app, _sink, [ann, bob, cat], thread) =
            setup(storage.configure(TestApp::builder())).await;
        let photo = photo_with_location(900, 600);
        let posted = bob
            .submit_with_files(
                &thread,
                &format!("{thread}/comments"),
                &[
                    ("body", "Here are the minutes, and the view from the hall."),
                    ("alt", "The river seen from the hall window, at dusk"),
                ],
                &[
                    ("files", "Minutes March.pdf", &pdf(240 * 1024)),
                    ("files", "IMG_0042.JPG", &photo),
                ],
            )
            .await;
        assert_eq!(
            posted.status,
            StatusCode::SEE_OTHER,
            "{storage:?}: {}",
            posted.body
        );

        // The thread lists the file in words and shows the photo's preview with its words.
        let page = ann.get(&thread).await;
        assert!(
            page.body.contains("Minutes March.pdf, PDF, 240 KB"),
            "{}",
            page.body
        );
        assert!(
            page.body
                .contains("The river seen from the hall window, at dusk")
        );
        assert!(page.body.contains("IMG_0042.JPG, JPEG image, "));
        let links = file_links(&page.body);
        let preview = links
            .iter()
            .find(|l| l.starts_with("/previews/"))
            .unwrap()
            .clone();
        let document = links
            .iter()
            .find(|l| l.ends_with("Minutes%20March.pdf"))
            .unwrap()
            .clone();
        let photo_link = links
            .iter()
            .find(|l| l.ends_with("IMG_0042.JPG"))
            .unwrap()
            .clone();
        // Width and height are set, so nothing moves as the preview arrives.
        let at = page.body.find(&format!("src=\"{preview}\"")).unwrap();
        let start = page.body[..at].rfind("<img").unwrap();
        let img = &page.body[start..start + page.body[start..].find('>').unwrap()];
        assert!(
            img.contains("width=\"") && img.contains("height=\""),
            "{img}"
        );

        // The document is downloaded, never shown in the page; its bytes are as sent.
        let (status, headers, bytes) = fetch(&bob, &document).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(header(&headers, "content-type"), "application/pdf");
        assert!(header(&headers, "content-disposition").starts_with("attachment;"));
        assert!(header(&headers, "cache-control").contains("private"));
        assert_eq!(bytes, pdf(240 * 1024));

        // The photo is shown, encoded again: no EXIF, no location, no camera serial.
        let (status, headers, bytes) = fetch(&ann, &photo_link).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(header(&headers, "content-type"), "image/jpeg");
        assert!(header(&headers, "content-disposition").starts_with("inline;"));
        let decoded = image::load_from_memory(&bytes).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (900, 600));
        for secret in [&b"Exif"[..], b"GPSLatitude", b"QX-9911"] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret),
                "{storage:?}"
            );
        }
        let (status, headers, small) = fetch(&ann, &preview).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(header(&headers, "content-type"), "image/jpeg");
        assert!(
            small.len() <= 20 * 1024,
            "the preview weighs {} bytes",
            small.len()
        );
        println!("preview of a 900 × 600 photo: {} bytes", small.len());
        let download = photo_link.replacen("/files/", "/downloads/", 1);
        let (status, headers, _) = fetch(&ann, &download).await;
        assert_eq!(status, StatusCode::OK);
        assert!(header(&headers, "content-disposition").starts_with("attachment;"));

        // Asked again with its tag, the file is not sent again, but still checked.
        let tag = header(&headers, "etag").to_string();
        let again = ann
            .send(
                ann.request(reqwest::Method::GET, &download)
                    .header("if-none-match", &tag),
            )
            .await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

        // Another group's member, a signed-out person and a removed member get 404 for all.
        let addresses = [
            document.clone(),
            photo_link.clone(),
            preview.clone(),
            download.clone(),
        ];
        let stranger = app.browser();
        for who in [&cat, &stranger] {
            for address in &addresses {
                let (status, _, _) = fetch(who, address).await;
                assert_eq!(status, StatusCode::NOT_FOUND, "{address}");
                let again = who
                    .send(
                        who.request(reqwest::Method::GET, address)
                            .header("if-none-match", &tag),
                    )
                    .await;
                assert_eq!(
                    again.status(),
                    StatusCode::NOT_FOUND,
                    "{address} with a tag"
                );
            }
        }
        let bob_id = account_id(&app, "bob@example.org").await;
        let remove = format!("/g/tea/members/{bob_id}/remove");
        let removed = ann.submit(&remove, &remove, &[]).await;
        assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
        for address in &addresses {
            let (status, _, _) = fetch(&bob, address).await;
            assert_eq!(
                status,
                StatusCode::NOT_FOUND,
                "{address} after Bob was removed"
            );
        }
        // A made-up id, or the right id with another name, is as unknown.
        let (status, _, _) = fetch(&ann, "/files/0123456789abcdef0123456789abcdef/x.pdf").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let renamed = document.replace("Minutes%20March.pdf", "other.pdf");
        assert_eq!(fetch(&ann, &renamed).await.0, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn each_bad_file_gets_its_own_error_and_the_answers_and_good_files_are_kept() {
    let builder = TestApp::builder()
        .env("QUORUM_FILE_MAX_MB", "1")
        .env("QUORUM_FILES_PER_POST", "3");
    let (app, _sink, [_ann, bob, _cat], thread) = setup(builder).await;
    let action = format!("{thread}/comments");
    // A JPEG's first bytes, then nothing a decoder can use: a file damaged in copying.
    let mut truncated = photo_with_location(200, 100)[..24].to_vec();
    truncated.extend(std::iter::repeat_n(0x5a, 4000));
    let cases: [(&str, &[u8], &str); 5] = [
        ("empty.txt", b"", "\u{201c}empty.txt\u{201d} is empty"),
        (
            "big.pdf",
            &pdf(1_300_000),
            "\u{201c}big.pdf\u{201d} is 1.2 MB: a file can be up to 1 MB",
        ),
        (
            "tool.pdf",
            b"\x7fELF\x02\x01\x01\0\0\0",
            "\u{201c}tool.pdf\u{201d} is not a kind of file Quorum takes",
        ),
        (
            "broken.jpg",
            &truncated,
            "\u{201c}broken.jpg\u{201d} could not be read as an image",
        ),
        ("notes.txt", b"Agenda\n", ""),
    ];
    for (name, bytes, message) in cases {
        if message.is_empty() {
            continue;
        }
        // A good file goes with each bad one: the bad one is refused, the good one kept.
        let sent = bob
            .submit_with_files(
                &thread,
                &action,
                &[("body", "My words stay.")],
                &[("files", name, bytes), ("files", "agenda.txt", b"1. Tea\n")],
            )
            .await;
        assert_eq!(
            sent.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}: {}",
            sent.body
        );
        assert!(sent.body.contains("There is a problem"));
        assert!(
            sent.body.contains(&html_escape(message)),
            "{name}: {}",
            sent.body
        );
        assert!(sent.body.contains("My words stay."), "{name}");
        assert!(
            sent.body.contains("Keep agenda.txt, text, 7 bytes"),
            "{name}: {}",
            sent.body
        );
        assert!(sent.body.contains(r##"<a href="#files">"##));
        assert_eq!(
            count(&sent.body, "Keep "),
            1,
            "{name}: only the good file is kept"
        );
    }

    // An image with no words and no "decorative" tick: asked for, and kept meanwhile.
    let photo = photo_with_location(300, 200);
    let sent = bob
        .submit_with_files(
            &thread,
            &action,
            &[("body", "The view.")],
            &[("files", "view.jpg", &photo)],
        )
        .await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(sent.body.contains(&html_escape(
        "Describe \u{201c}view.jpg\u{201d} for people who cannot see it, or tick that it is decorative"
    )));
    // Given its words on the page it came back on, it posts without being chosen again.
    let id = sent
        .body
        .split("name=\"alt-")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let alt_field = format!("alt-{id}");
    let posted = bob
        .submit_files_from(
            &sent.body,
            &action,
            &[("body", "The view."), (&alt_field, "Hills under snow")],
            &[],
        )
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    let page = bob.get(&thread).await;
    assert!(page.body.contains("Hills under snow"));
    assert!(page.body.contains("view.jpg, JPEG image"));

    // Too many files: the post may carry three.
    let files: Vec<(&str, String)> = (1..=4).map(|n| ("files", format!("note{n}.txt"))).collect();
    let sent = bob
        .submit_with_files(
            &thread,
            &action,
            &[("body", "Four notes.")],
            &files
                .iter()
                .map(|(f, n)| (*f, n.as_str(), &b"a note\n"[..]))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        sent.body.contains("A post can carry up to 3 files"),
        "{}",
        sent.body
    );
    assert_eq!(count(&sent.body, "Keep note"), 3);

    // Nothing of the refused attempts was posted: one comment, with one file.
    let db = app.database().await;
    let comments: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM comments")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(comments, 1);
    let attached: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM attachments WHERE part = 'comment'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(attached, 1);
}

#[tokio::test]
async fn a_full_group_says_how_much_room_is_left() {
    let builder = TestApp::builder().env("QUORUM_GROUP_FILES_QUOTA_MB", "1");
    let (_app, _sink, [_ann, bob, _cat], thread) = setup(builder).await;
    let action = format!("{thread}/comments");
    let first = bob
        .submit_with_files(
            &thread,
            &action,
            &[("body", "One.")],
            &[("files", "one.pdf", &pdf(700_000))],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    // The form of its own says the room left; the one under every thread page, the quota.
    let under = bob.get(&thread).await;
    assert!(
        under
            .body
            .contains("A group\u{2019}s files may take up to 1 MB in all.")
    );
    let page = bob.get(&format!("{thread}/comments/new")).await;
    assert!(
        page.body
            .contains("This group has 340 KB of 1 MB left for files."),
        "{}",
        page.body
    );
    let second = bob
        .submit_with_files(
            &thread,
            &action,
            &[("body", "Two.")],
            &[("files", "two.pdf", &pdf(700_000))],
        )
        .await;
    assert_eq!(second.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(second.body.contains(&html_escape(
        "This group has no room for \u{201c}two.pdf\u{201d} (684 KB): its files may take 1 MB and 340 KB is left"
    )), "{}", second.body);
    assert!(second.body.contains("Two."));
}

#[tokio::test]
async fn a_preview_keeps_the_files_and_names_are_cleaned_and_markup_is_only_downloaded() {
    let (_app, _sink, [ann, bob, _cat], thread) = setup(TestApp::builder()).await;
    let action = format!("{thread}/comments");
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>";
    let previewed = bob
        .submit_with_files(
            &thread,
            &action,
            &[("body", "See the drawing."), ("intent", "preview")],
            &[("files", "../../drawing\u{202e}gvs.png", svg)],
        )
        .await;
    assert_eq!(previewed.status, StatusCode::OK, "{}", previewed.body);
    assert!(previewed.body.contains("Preview of your comment"));
    assert!(
        previewed
            .body
            .contains("Keep drawinggvs.png, web page or SVG, download only"),
        "{}",
        previewed.body
    );
    let posted = bob
        .submit_files_from(
            &previewed.body,
            &action,
            &[("body", "See the drawing.")],
            &[],
        )
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    let page = ann.get(&thread).await;
    let link = file_links(&page.body)
        .into_iter()
        .find(|l| l.starts_with("/files/"))
        .unwrap();
    let (status, headers, bytes) = fetch(&ann, &link).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "content-type"), "application/octet-stream");
    assert!(header(&headers, "content-disposition").starts_with("attachment;"));
    assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
    assert!(header(&headers, "content-security-policy").contains("sandbox"));
    assert_eq!(bytes, svg);
}

#[tokio::test]
async fn a_deleted_comments_files_go_at_once_for_readers_and_soon_from_storage() {
    for storage in Storage::all().await {
        let (app, _sink, [ann, bob, _cat], thread) =
            setup(storage.configure(TestApp::builder())).await;
        let action = format!("{thread}/comments");
        let posted = bob
            .submit_with_files(
                &thread,
                &action,
                &[("body", "Draft budget."), ("decorative", "yes")],
                &[
                    ("files", "budget.csv", b"item,cost\ntea,4\n"),
                    ("files", "dot.jpg", &photo_with_location(40, 40)),
                ],
            )
            .await;
        assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
        let page = ann.get(&thread).await;
        let links = file_links(&page.body);
        assert_eq!(
            storage.names(&app).await.len(),
            3,
            "{storage:?}: two files and a preview"
        );
        let comment = posted
            .location()
            .unwrap()
            .split("#comment-")
            .nth(1)
            .unwrap()
            .to_string();
        let delete = format!("{thread}/comments/{comment}/delete");
        let deleted = bob.submit(&delete, &delete, &[]).await;
        assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.body);
        for link in &links {
            assert_eq!(fetch(&ann, link).await.0, StatusCode::NOT_FOUND, "{link}");
        }
        let deadline = Instant::now() + Duration::from_secs(40);
        while !storage.names(&app).await.is_empty() {
            assert!(
                Instant::now() < deadline,
                "{storage:?}: still stored: {:?}",
                storage.names(&app).await
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        let db = app.database().await;
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attachments")
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(rows, 0);
    }
}

#[tokio::test]
async fn an_images_words_are_found_by_search() {
    let (_app, _sink, [ann, bob, _cat], thread) = setup(TestApp::builder()).await;
    let posted = bob
        .submit_with_files(
            &thread,
            &format!("{thread}/comments"),
            &[
                ("body", "A photo."),
                ("alt", "A heron standing in the millpond"),
            ],
            &[("files", "bird.jpg", &photo_with_location(60, 40))],
        )
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    let found = ann.get("/search?q=heron+millpond").await;
    assert!(found.body.contains("Spring meeting"), "{}", found.body);
}

/// Where a redirect goes, without its query.
fn path_of(reply: &support::browser::Reply) -> String {
    let location = reply.location().unwrap_or_default();
    location.split('?').next().unwrap_or_default().to_string()
}

/// Sends exactly `fields` (no files) as the multipart form posting to `action`.
async fn post_fields(
    browser: &Browser,
    action: &str,
    fields: &[(String, String)],
) -> support::browser::Reply {
    let (content_type, body) = support::browser::multipart_body(fields, &[]);
    let request = browser
        .request(reqwest::Method::POST, action)
        .header("content-type", content_type)
        .header("origin", browser.origin())
        .body(body);
    browser.send_and_read(request).await
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[tokio::test]
async fn threads_polls_and_outcomes_take_files_and_an_edit_can_take_one_off() {
    let (app, _sink, [ann, bob, _cat], _thread) = setup(TestApp::builder()).await;
    // A thread's context with a file, from the start.
    let started = ann
        .submit_with_files(
            "/g/tea/threads/new",
            "/g/tea/threads/new",
            &[
                ("title", "Budget"),
                ("context", "The draft."),
                ("visibility", "private"),
            ],
            &[
                ("files", "budget.csv", b"item,cost\ntea,4\n"),
                ("files", "plan.pdf", &pdf(2048)),
            ],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let thread = path_of(&started);
    let page = bob.get(&thread).await;
    assert!(
        page.body.contains("budget.csv, CSV, 16 bytes"),
        "{}",
        page.body
    );
    assert!(page.body.contains("plan.pdf, PDF, 2 KB"));

    // Editing the thread, Ann unticks the CSV: it goes from the page and from its address.
    let csv = file_links(&page.body)
        .into_iter()
        .find(|l| l.ends_with("budget.csv"))
        .unwrap();
    let edit = format!("{thread}/edit");
    let form = ann.get(&edit).await;
    assert!(
        form.body.contains("Keep budget.csv, CSV, 16 bytes"),
        "{}",
        form.body
    );
    let pdf_id = form
        .body
        .split("name=\"attachment\" value=\"")
        .nth(2)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let mut fields = support::browser::fields_as_sent(&form.body, &edit).unwrap();
    fields.retain(|(name, _)| name != "attachment");
    fields.push(("attachment".into(), pdf_id));
    fields.push(("title".into(), "Budget".into()));
    fields.push(("context".into(), "The draft, again.".into()));
    let saved = post_fields(&ann, &edit, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = bob.get(&thread).await;
    assert!(!page.body.contains("budget.csv"));
    assert!(page.body.contains("plan.pdf, PDF, 2 KB"));
    assert_eq!(fetch(&bob, &csv).await.0, StatusCode::NOT_FOUND);

    // A poll's details take a photo, which needs its words like any other.
    let new_poll = format!("{thread}/polls/new?kind=proposal");
    let closes = support::journey::days_ahead(7);
    let poll_fields = [
        ("title", "Adopt the budget"),
        ("closes_at", closes.as_str()),
        ("time_zone", "UTC"),
        ("hide_results", "never"),
        ("reason", "optional"),
        ("alt", "A bar chart: tea 40%, rent 60%"),
    ];
    let started = ann
        .submit_with_files(
            &new_poll,
            &new_poll,
            &poll_fields,
            &[("files", "chart.png", &png(120, 80))],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let poll = path_of(&started);
    let page = bob.get(&poll).await;
    assert!(
        page.body.contains("A bar chart: tea 40%, rent 60%"),
        "{}",
        page.body
    );
    assert!(page.body.contains("chart.png, PNG image"));

    // Its outcome takes a file too, once the poll is closed.
    let close = format!("{poll}/close");
    let closed = ann.submit(&close, &close, &[]).await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    let outcome = format!("{poll}/outcome");
    let written = ann
        .submit_with_files(
            &outcome,
            &outcome,
            &[("statement", "Adopted.")],
            &[("files", "minutes.txt", b"Adopted by all.\n")],
        )
        .await;
    assert_eq!(written.status, StatusCode::SEE_OTHER, "{}", written.body);
    let page = bob.get(&poll).await;
    let section = page
        .body
        .split("id=\"outcome\"")
        .nth(1)
        .unwrap()
        .split("</section>")
        .next()
        .unwrap();
    assert!(section.contains("minutes.txt, text, 16 bytes"), "{section}");
    let minutes = file_links(section).into_iter().next().unwrap();
    let (status, _, bytes) = fetch(&bob, &minutes).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, b"Adopted by all.\n");
    let _ = app;
}

#[tokio::test]
async fn a_comment_edited_keeps_its_files_unless_unticked() {
    let (_app, _sink, [ann, bob, _cat], thread) = setup(TestApp::builder()).await;
    let posted = bob
        .submit_with_files(
            &thread,
            &format!("{thread}/comments"),
            &[("body", "Two papers."), ("alt", "Ducks on the pond")],
            &[
                ("files", "a.txt", b"first\n"),
                ("files", "ducks.jpg", &photo_with_location(50, 40)),
            ],
        )
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    let comment = posted
        .location()
        .unwrap()
        .split("#comment-")
        .nth(1)
        .unwrap()
        .to_string();
    let edit = format!("{thread}/comments/{comment}/edit");
    // Saved as shown: the words change, the files and the photo's words stay.
    let form = bob.get(&edit).await;
    assert!(
        form.body.contains("value=\"Ducks on the pond\""),
        "{}",
        form.body
    );
    let saved = bob
        .submit_files_from(&form.body, &edit, &[("body", "Two papers, edited.")], &[])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = ann.get(&thread).await;
    assert!(page.body.contains("a.txt, text, 6 bytes") && page.body.contains("Ducks on the pond"));
    // New words for the photo are saved; the text file, unticked, goes.
    let form = bob.get(&edit).await;
    let text_id = form
        .body
        .split("name=\"attachment\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let photo_id = form
        .body
        .split("name=\"attachment\" value=\"")
        .nth(2)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let mut fields = support::browser::fields_as_sent(&form.body, &edit).unwrap();
    // Untick the text file, and give the photo new words.
    let unticked = |name: &str, value: &str| name == "attachment" && value == text_id;
    fields.retain(|(name, value)| !(unticked(name, value) || name.starts_with("alt-")));
    fields.push((format!("alt-{photo_id}"), "Three ducks on the pond".into()));
    fields.push(("body".into(), "Two papers, edited.".into()));
    let saved = post_fields(&bob, &edit, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = ann.get(&thread).await;
    assert!(!page.body.contains("a.txt, text"));
    assert!(page.body.contains("Three ducks on the pond"));
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let pixels = image::RgbaImage::from_fn(width, height, |x, _| {
        image::Rgba([200, (x % 256) as u8, 40, 255])
    });
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgba8(pixels)
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    bytes
}

#[tokio::test]
async fn both_exports_carry_the_files_and_their_words() {
    for storage in Storage::all().await {
        let (_app, sink, [ann, bob, _cat], thread) =
            setup(storage.configure(TestApp::builder())).await;
        let photo = photo_with_location(80, 60);
        let posted = bob
            .submit_with_files(
                &thread,
                &format!("{thread}/comments"),
                &[("body", "For the record."), ("alt", "The hall's new sign")],
                &[
                    ("files", "agenda.txt", b"1. Tea\n"),
                    ("files", "sign.jpg", &photo),
                ],
            )
            .await;
        assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);

        // Bob's own copy: the JSON lists both files, and their bytes are in the zip.
        let asked = bob.submit("/account", "/account/export", &[]).await;
        assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
        let mail = sink
            .wait_for_mail_about("bob@example.org", "Your copy of your Quorum data", 1)
            .await;
        let (status, _, zip) = fetch(&bob, &mail.link_path("/account/export/")).await;
        assert_eq!(status, StatusCode::OK);
        let entries = support::zip::unzip(&zip);
        let json: serde_json::Value = serde_json::from_slice(
            &entries
                .iter()
                .find(|(name, _)| name == "quorum-export.json")
                .unwrap()
                .1,
        )
        .unwrap();
        let listed = json["files"].as_array().unwrap();
        assert_eq!(listed.len(), 2, "{listed:?}");
        let sign = listed.iter().find(|f| f["name"] == "sign.jpg").unwrap();
        assert_eq!(sign["alt"], "The hall's new sign");
        assert_eq!(sign["attached_to"], "comment");
        let agenda = listed.iter().find(|f| f["name"] == "agenda.txt").unwrap();
        let bytes = &entries
            .iter()
            .find(|(name, _)| Some(name.as_str()) == agenda["path"].as_str())
            .unwrap()
            .1;
        assert_eq!(bytes, b"1. Tea\n");
        let html = &entries
            .iter()
            .find(|(name, _)| name == "quorum-export.html")
            .unwrap()
            .1;
        assert!(
            String::from_utf8_lossy(html).contains("The hall&#39;s new sign")
                || String::from_utf8_lossy(html).contains("The hall's new sign")
        );

        // The group's archive, for its admin: the list, and the bytes.
        let archive = ann
            .send(ann.request(reqwest::Method::GET, "/g/tea/export.zip"))
            .await;
        assert_eq!(archive.status(), StatusCode::OK);
        let entries = support::zip::unzip(&archive.bytes().await.unwrap());
        let csv = &entries
            .iter()
            .find(|(name, _)| name == "csv/files.csv")
            .unwrap()
            .1;
        assert!(String::from_utf8_lossy(csv).contains("agenda.txt"));
        let stored = entries
            .iter()
            .find(|(name, _)| name.starts_with("files/") && name.ends_with("/sign.jpg"))
            .unwrap();
        assert!(image::load_from_memory(&stored.1).is_ok(), "{storage:?}");
        let document: serde_json::Value = serde_json::from_slice(
            &ann.send(ann.request(reqwest::Method::GET, "/g/tea/export.json"))
                .await
                .bytes()
                .await
                .unwrap(),
        )
        .unwrap();
        assert_eq!(document["files"].as_array().unwrap().len(), 2);
        assert!(
            document["files"][0]["comment_id"]
                .as_str()
                .unwrap()
                .starts_with("comment-")
        );
    }
}
