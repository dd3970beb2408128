//! A browser, as far as Quorum can tell: it keeps cookies, loads a page before it posts that
//! page's form, sends the form's hidden fields (the CSRF token among them) with what the test
//! types, and says where the post comes from with an `Origin` header, as browsers do.
//!
//! Strategy: one `reqwest::Client` that follows no redirects, and a cookie jar of our own that
//! reads `Set-Cookie` (a `Max-Age=0` or empty value removes the cookie). Forms are found in the
//! page by their `action` and read with a small, attribute-order-agnostic tag reader, so a
//! change of markup order does not break the tests. Every request can also be made "by hand"
//! (`post_raw`), without a token or with a forged origin, for the tests of what must be refused.

use std::collections::BTreeMap;
use std::sync::Mutex;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};

use super::TestApp;

/// The name of the hidden field that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf_token";
/// What a test browser says it is, unless told otherwise: "Firefox on Linux" to Quorum.
pub const FIREFOX_ON_LINUX: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";

/// A browser with its own cookies.
pub struct Browser {
    base_url: String,
    client: reqwest::Client,
    user_agent: String,
    /// Sent as `X-Forwarded-For`, for a server that trusts this machine as its proxy.
    forwarded_for: Option<String>,
    cookies: Mutex<BTreeMap<String, String>>,
}

/// A response, read whole.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    /// The value of a header, when sent and readable.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Where a redirect goes.
    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }

    /// Every `Set-Cookie` line, as sent.
    pub fn set_cookies(&self) -> Vec<&str> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect()
    }

    /// The `Set-Cookie` line for `name`, if the response sets that cookie.
    pub fn set_cookie(&self, name: &str) -> Option<&str> {
        let prefix = format!("{name}=");
        self.set_cookies()
            .into_iter()
            .find(|line| line.starts_with(&prefix))
    }

    /// The names of the cookies this response sets (or removes), sorted.
    pub fn set_cookie_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .set_cookies()
            .iter()
            .filter_map(|line| {
                line.split_once('=')
                    .map(|(name, _)| name.trim().to_string())
            })
            .collect();
        names.sort();
        names
    }

    /// The text of the page's `<title>`.
    pub fn title(&self) -> Option<&str> {
        super::between(&self.body, "<title>", "</title>")
    }

    /// The text of the page's `<h1>`, tags inside it removed.
    pub fn h1(&self) -> Option<String> {
        let inner = super::between(&self.body, "<h1", "</h1>")?;
        let inner = &inner[inner.find('>')? + 1..];
        Some(strip_tags(inner))
    }
}

impl TestApp {
    /// A new browser with no cookies, talking to this server.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.base_url)
    }
}

impl Browser {
    pub fn new(base_url: &str) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .expect("an HTTP client can be built");
        Self {
            base_url: base_url.to_string(),
            client,
            user_agent: FIREFOX_ON_LINUX.to_string(),
            forwarded_for: None,
            cookies: Mutex::new(BTreeMap::new()),
        }
    }

    /// The same browser, saying it is `user_agent` from now on.
    pub fn with_user_agent(mut self, user_agent: &str) -> Self {
        self.user_agent = user_agent.to_string();
        self
    }

    /// The same browser, coming from `ip` through the proxy (`QUORUM_TRUSTED_PROXY=127.0.0.1`).
    pub fn with_forwarded_for(mut self, ip: &str) -> Self {
        self.forwarded_for = Some(ip.to_string());
        self
    }

    /// The full URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// `http://127.0.0.1:PORT`: what a browser sends as `Origin` for this server's pages.
    pub fn origin(&self) -> &str {
        &self.base_url
    }

    /// The value of the cookie `name`, if the browser holds it.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.jar().get(name).cloned()
    }

    /// Puts a cookie in the jar, as if the server had set it (to replay an old one).
    pub fn set_cookie(&self, name: &str, value: &str) {
        self.jar().insert(name.to_string(), value.to_string());
    }

    pub fn remove_cookie(&self, name: &str) {
        self.jar().remove(name);
    }

    fn jar(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, String>> {
        self.cookies
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A request carrying this browser's cookies and user agent. Send it with [`Self::send`] so
    /// that the cookies it sets are kept.
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut request = self
            .client
            .request(method, self.url(path))
            .header("user-agent", &self.user_agent);
        if let Some(ip) = &self.forwarded_for {
            request = request.header("x-forwarded-for", ip);
        }
        let cookies = self
            .jar()
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ");
        if !cookies.is_empty() {
            request = request.header("cookie", cookies);
        }
        request
    }

    /// Sends `request` and keeps the cookies the response sets.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> reqwest::Response {
        let response = request.send().await.expect("the server answers");
        self.keep_cookies(response.headers());
        response
    }

    /// Sends `request`, keeps its cookies and reads the whole answer.
    pub async fn send_and_read(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = self.send(request).await;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.text().await.expect("the body is readable");
        Reply {
            status,
            headers,
            body,
        }
    }

    fn keep_cookies(&self, headers: &HeaderMap) {
        let mut jar = self.jar();
        for line in headers.get_all("set-cookie") {
            let Ok(line) = line.to_str() else { continue };
            let mut parts = line.split(';');
            let Some((name, value)) = parts.next().and_then(|pair| pair.split_once('=')) else {
                continue;
            };
            let removed = value.is_empty()
                || parts.any(|attribute| {
                    attribute
                        .trim()
                        .to_ascii_lowercase()
                        .strip_prefix("max-age=")
                        .is_some_and(|age| age.trim() == "0" || age.trim().starts_with('-'))
                });
            if removed {
                jar.remove(name.trim());
            } else {
                jar.insert(name.trim().to_string(), value.trim().to_string());
            }
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send_and_read(self.request(reqwest::Method::GET, path))
            .await
    }

    /// POSTs an encoded form body exactly as given, with this browser's cookies and an `Origin`
    /// of this server, but no token unless the body has one: for tests of what is refused.
    pub async fn post_raw(&self, path: &str, body: impl Into<reqwest::Body>) -> Reply {
        self.send_and_read(self.form_request(path, body)).await
    }

    /// A POST of an encoded form body with this browser's cookies and an `Origin` of this
    /// server, ready for more headers.
    pub fn form_request(
        &self,
        path: &str,
        body: impl Into<reqwest::Body>,
    ) -> reqwest::RequestBuilder {
        self.request(reqwest::Method::POST, path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", self.origin())
            .body(body)
    }

    /// Loads `page`, then submits its form that posts to `action`, as a person would: the
    /// form's hidden fields (its CSRF token among them) plus `fields`, which replace hidden
    /// fields of the same name.
    pub async fn submit(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Reply {
        let loaded = self.form_page(page).await;
        self.submit_from(&loaded.body, action, fields).await
    }

    /// Loads `page`, whose form is about to be sent: it must answer with the form.
    async fn form_page(&self, page: &str) -> Reply {
        let loaded = self.get(page).await;
        assert!(
            loaded.status.is_success() || loaded.status == StatusCode::UNPROCESSABLE_ENTITY,
            "GET {page} answered {} before its form could be sent:\n{}",
            loaded.status,
            loaded.body
        );
        loaded
    }

    /// Submits the form of an already loaded `html` page that posts to `action`.
    pub async fn submit_from(&self, html: &str, action: &str, fields: &[(&str, &str)]) -> Reply {
        let body = self.form_body(html, action, fields);
        self.post_raw(action, body).await
    }

    /// The encoded body the form posting to `action` would send with `fields` filled in.
    pub fn form_body(&self, html: &str, action: &str, fields: &[(&str, &str)]) -> String {
        let hidden = hidden_fields(html, action)
            .unwrap_or_else(|| panic!("the page has no form posting to {action}:\n{html}"));
        let mut pairs: Vec<(String, String)> = hidden
            .into_iter()
            .filter(|(name, _)| !fields.iter().any(|(field, _)| field == name))
            .collect();
        pairs.extend(
            fields
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_string())),
        );
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    }

    /// Loads `page`, then submits its form that posts to `action` as `multipart/form-data`, as a
    /// browser sends a form with a file field: its hidden fields, `fields`, and `files`, each
    /// `(field, file name, bytes)`.
    pub async fn submit_with_files(
        &self,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Reply {
        let loaded = self.form_page(page).await;
        self.submit_files_from(&loaded.body, action, fields, files)
            .await
    }

    /// Submits the form of an already loaded `html` page with files, as `submit_with_files`.
    pub async fn submit_files_from(
        &self,
        html: &str,
        action: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Reply {
        let sent = fields_as_sent(html, action)
            .unwrap_or_else(|| panic!("the page has no form posting to {action}:\n{html}"));
        let mut pairs: Vec<(String, String)> = sent
            .into_iter()
            .filter(|(name, _)| !fields.iter().any(|(field, _)| field == name))
            .collect();
        pairs.extend(fields.iter().map(|(n, v)| (n.to_string(), v.to_string())));
        let (content_type, body) = multipart_body(&pairs, files);
        let request = self
            .request(reqwest::Method::POST, action)
            .header("content-type", content_type)
            .header("origin", self.origin())
            .body(body);
        self.send_and_read(request).await
    }

    /// Loads `page` and returns the CSRF token of its first form, as a browser's page holds it.
    pub async fn csrf_token(&self, page: &str) -> String {
        let loaded = self.get(page).await;
        form_tags(&loaded.body)
            .into_iter()
            .find_map(|(_, fields)| {
                fields
                    .into_iter()
                    .find(|(name, _)| name == CSRF_FIELD)
                    .map(|(_, value)| value)
            })
            .unwrap_or_else(|| panic!("{page} has no form with a CSRF token:\n{}", loaded.body))
    }

    /// A post of `body` (already encoded, possibly not even UTF-8) to `path` with `token` put
    /// first, as the page's form would send it: for tests that send odd bodies.
    pub fn post_with_token(
        &self,
        path: &str,
        token: &str,
        body: impl AsRef<[u8]>,
    ) -> reqwest::RequestBuilder {
        let mut bytes = format!("{CSRF_FIELD}={token}&").into_bytes();
        bytes.extend_from_slice(body.as_ref());
        self.form_request(path, bytes)
    }
}

/// A `multipart/form-data` body of `fields` then `files` (field, file name, bytes), with its
/// content type. A file field with no file is sent as browsers send it: an empty part with an
/// empty file name.
pub fn multipart_body(
    fields: &[(String, String)],
    files: &[(&str, &str, &[u8])],
) -> (String, Vec<u8>) {
    let boundary = "----QuorumTestBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (field, file_name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// What a browser sends of the form posting to `action` as the page stands: its hidden fields,
/// its text fields with their values, and its ticked checkboxes (not its text areas).
pub fn fields_as_sent(html: &str, action: &str) -> Option<Vec<(String, String)>> {
    let start = html.find(&format!("action=\"{action}\""))?;
    let form = &html[start..];
    let form = &form[..form.find("</form>").unwrap_or(form.len())];
    let mut fields = Vec::new();
    let mut inputs = form;
    while let Some(at) = inputs.find("<input") {
        let tag_end = inputs[at..].find('>').map_or(inputs.len(), |e| at + e + 1);
        let tag = &inputs[at..tag_end];
        let kind = attribute(tag, "type").unwrap_or_else(|| "text".into());
        let sent = match kind.as_str() {
            "hidden" | "text" => true,
            "checkbox" | "radio" => tag.contains(" checked"),
            _ => false,
        };
        if sent && let Some(name) = attribute(tag, "name") {
            fields.push((name, attribute(tag, "value").unwrap_or_default()));
        }
        inputs = &inputs[tag_end..];
    }
    Some(fields)
}

/// The hidden fields of the form whose action is `action`, or `None` when there is no such form.
pub fn hidden_fields(html: &str, action: &str) -> Option<Vec<(String, String)>> {
    form_tags(html)
        .into_iter()
        .find(|(form_action, _)| form_action == action)
        .map(|(_, fields)| fields)
}

/// Every form of the page: its action and its hidden fields, in order.
pub fn form_tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut forms = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<form") {
        let after = &rest[start..];
        let end = after.find("</form>").unwrap_or(after.len());
        let form = &after[..end];
        let open = &form[..form.find('>').map_or(form.len(), |at| at + 1)];
        let action = attribute(open, "action").unwrap_or_default();
        let mut fields = Vec::new();
        let mut inputs = form;
        while let Some(at) = inputs.find("<input") {
            let tag_end = inputs[at..].find('>').map_or(inputs.len(), |e| at + e + 1);
            let tag = &inputs[at..tag_end];
            if attribute(tag, "type").as_deref() == Some("hidden")
                && let Some(name) = attribute(tag, "name")
            {
                fields.push((name, attribute(tag, "value").unwrap_or_default()));
            }
            inputs = &inputs[tag_end..];
        }
        forms.push((action, fields));
        rest = &after[end..];
        if rest.is_empty() {
            break;
        }
        rest = &rest[rest.find('>').map_or(rest.len(), |at| at + 1)..];
    }
    forms
}

/// The value of attribute `name` in one tag, entities decoded.
pub fn attribute(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let at = tag.find(&marker)? + marker.len();
    let end = tag[at..].find('"')? + at;
    Some(unescape(&tag[at..end]))
}

/// Undoes the escaping Leptos applies to text and attribute values.
pub fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// `html` without its tags, entities decoded.
pub fn strip_tags(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    unescape(&text)
}

/// The attributes of a `Set-Cookie` line (`httponly`, `samesite=lax`, …), lower-cased.
pub fn cookie_attributes(line: &str) -> Vec<String> {
    line.split(';')
        .skip(1)
        .map(|attribute| attribute.trim().to_ascii_lowercase())
        .collect()
}

/// A header value, for tests that build headers themselves.
pub fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).expect("a valid header value")
}
