//! Attached files: what a file is (read from its bytes, never from its name or what the browser
//! says), what it may be called, how its size reads, and how an image is made safe and small.
//!
//! Images are decoded and encoded again, which leaves behind everything but the pixels: the
//! camera, the time and the place a photo was taken (EXIF, XMP, IPTC) and any trailing bytes.
//! The orientation the camera wrote is applied to the pixels first, so nothing turns sideways.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

/// A preview is made to fit this box, in CSS pixels.
pub const PREVIEW_MAX_WIDTH: u32 = 320;
pub const PREVIEW_MAX_HEIGHT: u32 = 240;
/// A preview is made smaller until it weighs no more than this.
pub const PREVIEW_MAX_BYTES: usize = 20 * 1024;
/// Images larger than this on a side are refused: decoding them could take the server's memory.
pub const IMAGE_MAX_SIDE: u32 = 12_000;

/// How large and how many attached files may be: settings, said next to every file field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest file, in bytes.
    pub file_bytes: i64,
    /// The most files one post may carry.
    pub per_post: usize,
    /// The space a group's files may take, in bytes.
    pub group_bytes: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            file_bytes: 10 * 1024 * 1024,
            per_post: 10,
            group_bytes: 1024 * 1024 * 1024,
        }
    }
}

/// What a file is, from its first bytes (and, for text and zip files, its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Jpeg,
    Png,
    Gif,
    Webp,
    Pdf,
    Text,
    Csv,
    Markdown,
    /// HTML, SVG or XML: anything a browser might run. Kept, but only ever downloaded.
    Markup,
    /// A word-processor, spreadsheet or presentation file (Office Open XML or OpenDocument), by
    /// its extension in `DOCUMENTS`.
    Document(&'static str),
    Zip,
}

/// Office and OpenDocument files, all ZIP containers, told apart by their extension: the
/// extension, the kind in words, and the media type they are served with.
const DOCUMENTS: [(&str, &str, &str); 6] = [
    (
        "docx",
        "Word document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "xlsx",
        "Excel spreadsheet",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "pptx",
        "PowerPoint presentation",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    (
        "odt",
        "OpenDocument text",
        "application/vnd.oasis.opendocument.text",
    ),
    (
        "ods",
        "OpenDocument spreadsheet",
        "application/vnd.oasis.opendocument.spreadsheet",
    ),
    (
        "odp",
        "OpenDocument presentation",
        "application/vnd.oasis.opendocument.presentation",
    ),
];

fn document(extension: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    DOCUMENTS.iter().find(|d| d.0 == extension)
}

/// The types a person may attach, as the form's hint says them.
pub const ALLOWED_WORDS: &str = "PDF, images (JPEG, PNG, GIF or WebP), text and CSV files, \
     office documents (Word, Excel, PowerPoint, OpenDocument) and ZIP archives";

impl FileType {
    /// Reads what a file is from its bytes; `None` for anything Quorum does not take.
    pub fn sniff(bytes: &[u8], name: &str) -> Option<Self> {
        let extension = extension(name);
        let sniffed = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Self::Jpeg
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Self::Png
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Self::Gif
        } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
            Self::Webp
        } else if bytes.starts_with(b"%PDF-") {
            Self::Pdf
        } else if bytes.starts_with(b"PK\x03\x04") {
            document(&extension).map_or(Self::Zip, |d| Self::Document(d.0))
        } else if is_text(bytes) {
            if looks_like_markup(bytes) {
                Self::Markup
            } else {
                match extension.as_str() {
                    "csv" => Self::Csv,
                    "md" | "markdown" => Self::Markdown,
                    "html" | "htm" | "svg" | "xml" | "xhtml" => Self::Markup,
                    _ => Self::Text,
                }
            }
        } else {
            return None;
        };
        Some(sniffed)
    }

    pub fn is_image(self) -> bool {
        matches!(self, Self::Jpeg | Self::Png | Self::Gif | Self::Webp)
    }

    /// The type served with the file. Markup is served as bytes and nothing else.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
            Self::Pdf => "application/pdf",
            Self::Text => "text/plain; charset=utf-8",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Markdown => "text/markdown; charset=utf-8",
            Self::Markup => "application/octet-stream",
            Self::Document(extension) => document(extension).map_or("application/zip", |d| d.2),
            Self::Zip => "application/zip",
        }
    }

    /// The type in words, as a link to the file says it: "PDF", "JPEG image".
    pub fn words(self) -> &'static str {
        match self {
            Self::Jpeg => "JPEG image",
            Self::Png => "PNG image",
            Self::Gif => "GIF image",
            Self::Webp => "WebP image",
            Self::Pdf => "PDF",
            Self::Text => "text",
            Self::Csv => "CSV",
            Self::Markdown => "Markdown text",
            Self::Markup => "web page or SVG, download only",
            Self::Document(extension) => document(extension).map_or("document", |d| d.1),
            Self::Zip => "ZIP archive",
        }
    }

    /// The name kept in the database: the media type for images, pdf and text, or a tag.
    pub fn tag(self) -> &'static str {
        match self {
            Self::Jpeg => "jpeg",
            Self::Png => "png",
            Self::Gif => "gif",
            Self::Webp => "webp",
            Self::Pdf => "pdf",
            Self::Text => "text",
            Self::Csv => "csv",
            Self::Markdown => "markdown",
            Self::Markup => "markup",
            Self::Document(extension) => extension,
            Self::Zip => "zip",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Self> {
        Some(match tag {
            "jpeg" => Self::Jpeg,
            "png" => Self::Png,
            "gif" => Self::Gif,
            "webp" => Self::Webp,
            "pdf" => Self::Pdf,
            "text" => Self::Text,
            "csv" => Self::Csv,
            "markdown" => Self::Markdown,
            "markup" => Self::Markup,
            "zip" => Self::Zip,
            other => Self::Document(document(other)?.0),
        })
    }

    /// Whether a browser may show the file in the page rather than download it: only the images
    /// Quorum encoded itself.
    pub fn shown_inline(self) -> bool {
        matches!(self, Self::Jpeg | Self::Png)
    }
}

fn extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default()
}

/// UTF-8 with no NUL and no control characters but tab, line breaks and form feed.
fn is_text(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    !text.is_empty()
        && !text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
}

/// Text a browser would treat as a page or a drawing, wherever the tag is.
fn looks_like_markup(bytes: &[u8]) -> bool {
    let lower = String::from_utf8_lossy(bytes).to_ascii_lowercase();
    [
        "<html",
        "<!doctype",
        "<svg",
        "<script",
        "<?xml",
        "<iframe",
        "<body",
        "<xml",
    ]
    .iter()
    .any(|tag| lower.contains(tag))
}

/// A file's name with no folders, no control characters, no right-to-left overrides or other
/// invisible direction marks, no leading dots, and at most 120 characters (the extension kept).
pub fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_direction_mark(*c))
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    let cleaned = if cleaned.chars().count() > 120 {
        let (stem, ext) = match cleaned.rsplit_once('.') {
            Some((stem, ext)) if ext.chars().count() <= 10 => (stem, format!(".{ext}")),
            _ => (cleaned, String::new()),
        };
        let keep = 120 - ext.chars().count();
        format!(
            "{}{ext}",
            stem.chars().take(keep).collect::<String>().trim()
        )
    } else {
        cleaned.to_string()
    };
    if cleaned.is_empty() {
        "file".to_string()
    } else {
        cleaned
    }
}

fn is_direction_mark(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// The name with its extension made to match what the file now is (a GIF encoded again as PNG).
pub fn with_extension(name: &str, file_type: FileType) -> String {
    let wanted = match file_type {
        FileType::Jpeg => "jpg",
        FileType::Png => "png",
        _ => return name.to_string(),
    };
    let stem = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => {
            if file_type == FileType::Jpeg && ext.eq_ignore_ascii_case("jpeg") {
                return name.to_string();
            }
            if ext.eq_ignore_ascii_case(wanted) {
                return name.to_string();
            }
            stem
        }
        _ => name,
    };
    format!("{stem}.{wanted}")
}

/// A size as people read it: "512 bytes", "240 KB", "1.4 MB", "1 GB".
pub fn size_words(bytes: i64) -> String {
    const KB: i64 = 1024;
    const MB: i64 = 1024 * 1024;
    match bytes {
        1 => "1 byte".to_string(),
        b if b < KB => format!("{b} bytes"),
        b if b < MB => format!("{} KB", (b + KB / 2) / KB),
        b if b < 10 * MB => {
            let tenths = (b * 10 + MB / 2) / MB;
            if tenths % 10 == 0 {
                format!("{} MB", tenths / 10)
            } else {
                format!("{}.{} MB", tenths / 10, tenths % 10)
            }
        }
        b if b < 1024 * MB => format!("{} MB", (b + MB / 2) / MB),
        b => {
            let tenths = (b * 10 + 512 * MB) / (1024 * MB);
            if tenths % 10 == 0 {
                format!("{} GB", tenths / 10)
            } else {
                format!("{}.{} GB", tenths / 10, tenths % 10)
            }
        }
    }
}

/// An image as stored: the full image encoded again, and its preview.
#[derive(Debug)]
pub struct Processed {
    pub file_type: FileType,
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub preview: Vec<u8>,
    pub preview_width: u32,
    pub preview_height: u32,
}

/// Why an image could not be taken.
#[derive(Debug, PartialEq, Eq)]
pub enum ImageProblem {
    /// It does not decode: damaged, cut short, or not what its first bytes say.
    Unreadable,
    /// It is larger than `IMAGE_MAX_SIDE` on a side.
    TooLarge,
}

/// Decodes an image, turns it upright, and encodes it again with nothing but its pixels: a
/// JPEG as JPEG, anything else as PNG (a GIF keeps its first frame). Then makes its preview.
/// Slow for large images: call it off the async threads.
pub fn process_image(bytes: &[u8], file_type: FileType) -> Result<Processed, ImageProblem> {
    let format = match file_type {
        FileType::Jpeg => ImageFormat::Jpeg,
        FileType::Png => ImageFormat::Png,
        FileType::Gif => ImageFormat::Gif,
        FileType::Webp => ImageFormat::WebP,
        _ => return Err(ImageProblem::Unreadable),
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(IMAGE_MAX_SIDE);
    limits.max_image_height = Some(IMAGE_MAX_SIDE);
    limits.max_alloc = Some(1024 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(decode_problem)?;
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(decode_problem)?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    let (stored_type, stored) = if file_type == FileType::Jpeg {
        (FileType::Jpeg, encode_jpeg(&image, 88)?)
    } else {
        (FileType::Png, encode_png(&image)?)
    };
    let (preview, preview_width, preview_height) = preview(&image)?;
    Ok(Processed {
        file_type: stored_type,
        bytes: stored,
        width: image.width(),
        height: image.height(),
        preview,
        preview_width,
        preview_height,
    })
}

fn decode_problem(error: image::ImageError) -> ImageProblem {
    match error {
        image::ImageError::Limits(_) => ImageProblem::TooLarge,
        _ => ImageProblem::Unreadable,
    }
}

/// A JPEG that fits the preview box and weighs at most `PREVIEW_MAX_BYTES`: lower quality first,
/// then smaller. Transparent parts are laid on white.
fn preview(image: &DynamicImage) -> Result<(Vec<u8>, u32, u32), ImageProblem> {
    let (mut box_width, mut box_height) = (PREVIEW_MAX_WIDTH, PREVIEW_MAX_HEIGHT);
    loop {
        let small = if image.width() > box_width || image.height() > box_height {
            image.thumbnail(box_width, box_height)
        } else {
            image.clone()
        };
        let flat = on_white(&small);
        for quality in [75, 60, 45] {
            let bytes = encode_jpeg(&flat, quality)?;
            if bytes.len() <= PREVIEW_MAX_BYTES {
                return Ok((bytes, flat.width(), flat.height()));
            }
        }
        if box_width <= 40 {
            let bytes = encode_jpeg(&flat, 30)?;
            return Ok((bytes, flat.width(), flat.height()));
        }
        box_width = box_width * 3 / 4;
        box_height = box_height * 3 / 4;
    }
}

fn on_white(image: &DynamicImage) -> DynamicImage {
    if !image.color().has_alpha() {
        return DynamicImage::ImageRgb8(image.to_rgb8());
    }
    let rgba = image.to_rgba8();
    let mut rgb = image::RgbImage::new(rgba.width(), rgba.height());
    for (out, pixel) in rgb.pixels_mut().zip(rgba.pixels()) {
        let alpha = u16::from(pixel[3]);
        for channel in 0..3 {
            let value = (u16::from(pixel[channel]) * alpha + 255 * (255 - alpha)) / 255;
            out[channel] = u8::try_from(value).unwrap_or(u8::MAX);
        }
    }
    DynamicImage::ImageRgb8(rgb)
}

fn encode_jpeg(image: &DynamicImage, quality: u8) -> Result<Vec<u8>, ImageProblem> {
    let rgb = DynamicImage::ImageRgb8(image.to_rgb8());
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    rgb.write_with_encoder(encoder)
        .map_err(|_| ImageProblem::Unreadable)?;
    Ok(out)
}

fn encode_png(image: &DynamicImage) -> Result<Vec<u8>, ImageProblem> {
    let mut out = Vec::new();
    let converted = if image.color().has_alpha() {
        DynamicImage::ImageRgba8(image.to_rgba8())
    } else {
        DynamicImage::ImageRgb8(image.to_rgb8())
    };
    converted
        .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .map_err(|_| ImageProblem::Unreadable)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg_with_exif() -> Vec<u8> {
        let image = DynamicImage::ImageRgb8(image::RgbImage::from_fn(64, 48, |x, y| {
            image::Rgb([(x * 4) as u8, (y * 5) as u8, 90])
        }));
        let plain = encode_jpeg(&image, 90).unwrap_or_default();
        // An APP1 segment with EXIF and a GPS marker, put straight after the start of image.
        let payload = b"Exif\0\0MM\0*GPSLatitude 51.5074 N secret-camera-serial";
        let length = u16::try_from(payload.len() + 2).unwrap_or_default();
        let mut bytes = plain[..2].to_vec();
        bytes.extend_from_slice(&[0xFF, 0xE1]);
        bytes.extend_from_slice(&length.to_be_bytes());
        bytes.extend_from_slice(payload);
        bytes.extend_from_slice(&plain[2..]);
        bytes
    }

    #[test]
    fn types_are_read_from_the_bytes_not_the_name() {
        assert_eq!(
            FileType::sniff(b"%PDF-1.7 ...", "photo.jpg"),
            Some(FileType::Pdf)
        );
        assert_eq!(
            FileType::sniff(&jpeg_with_exif(), "notes.pdf"),
            Some(FileType::Jpeg)
        );
        assert_eq!(
            FileType::sniff(b"a,b\n1,2\n", "data.csv"),
            Some(FileType::Csv)
        );
        assert_eq!(
            FileType::sniff(b"plain words", "x.exe"),
            Some(FileType::Text)
        );
        assert_eq!(FileType::sniff(b"MZ\x90\0\x03\0\0\0", "setup.txt"), None);
        assert_eq!(FileType::sniff(b"\x7fELF\x02\x01", "a.pdf"), None);
        assert_eq!(FileType::sniff(b"", "empty.txt"), None);
        assert_eq!(
            FileType::sniff(b"PK\x03\x04rest", "Budget.xlsx"),
            Some(FileType::Document("xlsx"))
        );
    }

    #[test]
    fn anything_a_browser_could_run_is_markup_whatever_its_name() {
        for (bytes, name) in [
            (
                &b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"[..],
                "a.png",
            ),
            (b"hello <SCRIPT>alert(1)</SCRIPT>", "notes.txt"),
            (b"<!DOCTYPE html><p>hi", "page.csv"),
            (b"just text", "page.html"),
        ] {
            let sniffed = FileType::sniff(bytes, name);
            assert_eq!(sniffed, Some(FileType::Markup), "{name}");
            assert!(!sniffed.is_some_and(FileType::shown_inline));
            assert_eq!(FileType::Markup.media_type(), "application/octet-stream");
        }
    }

    #[test]
    fn every_tag_reads_back() {
        for file_type in [
            FileType::Jpeg,
            FileType::Png,
            FileType::Gif,
            FileType::Webp,
            FileType::Pdf,
            FileType::Text,
            FileType::Csv,
            FileType::Markdown,
            FileType::Markup,
            FileType::Document("docx"),
            FileType::Document("xlsx"),
            FileType::Document("pptx"),
            FileType::Document("odt"),
            FileType::Document("ods"),
            FileType::Document("odp"),
            FileType::Zip,
        ] {
            assert_eq!(FileType::from_tag(file_type.tag()), Some(file_type));
        }
    }

    #[test]
    fn names_lose_folders_controls_and_direction_overrides() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(
            clean_name("C:\\Users\\ann\\Minutes March.pdf"),
            "Minutes March.pdf"
        );
        assert_eq!(clean_name("invoice\u{202e}fdp.exe"), "invoicefdp.exe");
        assert_eq!(clean_name("a\u{0}b\nc.txt"), "abc.txt");
        assert_eq!(clean_name(".hidden"), "hidden");
        assert_eq!(clean_name("   "), "file");
        assert_eq!(clean_name("dir/"), "file");
        let long = format!("{}.pdf", "x".repeat(300));
        let cleaned = clean_name(&long);
        assert_eq!(cleaned.chars().count(), 120);
        assert!(cleaned.ends_with(".pdf"));
    }

    #[test]
    fn sizes_read_as_words() {
        assert_eq!(size_words(1), "1 byte");
        assert_eq!(size_words(512), "512 bytes");
        assert_eq!(size_words(240 * 1024), "240 KB");
        assert_eq!(size_words(1024 * 1024), "1 MB");
        assert_eq!(size_words(1_468_006), "1.4 MB");
        assert_eq!(size_words(10 * 1024 * 1024), "10 MB");
        assert_eq!(size_words(1024 * 1024 * 1024), "1 GB");
        assert_eq!(size_words(1536 * 1024 * 1024), "1.5 GB");
    }

    #[test]
    fn reencoding_leaves_only_the_pixels() {
        let original = jpeg_with_exif();
        assert!(original.windows(11).any(|w| w == b"GPSLatitude"));
        let processed =
            process_image(&original, FileType::Jpeg).unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(processed.file_type, FileType::Jpeg);
        assert_eq!((processed.width, processed.height), (64, 48));
        for bytes in [&processed.bytes, &processed.preview] {
            assert!(!bytes.windows(4).any(|w| w == b"Exif"));
            assert!(!bytes.windows(11).any(|w| w == b"GPSLatitude"));
            assert!(!bytes.windows(6).any(|w| w == b"secret"));
        }
    }

    #[test]
    fn a_large_image_gets_a_small_preview_that_fits_the_box() {
        // Noise, which compresses badly: the hardest case for the weight limit.
        let mut seed = 7u32;
        let noisy = image::RgbImage::from_fn(2000, 1500, |_, _| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let [a, b, c, _] = seed.to_le_bytes();
            image::Rgb([a, b, c])
        });
        let png = encode_png(&DynamicImage::ImageRgb8(noisy)).unwrap_or_default();
        let processed = process_image(&png, FileType::Png).unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(processed.file_type, FileType::Png);
        assert!(
            processed.preview.len() <= PREVIEW_MAX_BYTES,
            "{}",
            processed.preview.len()
        );
        assert!(processed.preview_width <= PREVIEW_MAX_WIDTH);
        assert!(processed.preview_height <= PREVIEW_MAX_HEIGHT);
        // The shape is kept: 4:3 in, 4:3 out (to a pixel).
        let ratio = processed.preview_width * 3;
        assert!(ratio.abs_diff(processed.preview_height * 4) <= 4);
    }

    #[test]
    fn broken_and_enormous_images_are_refused() {
        let mut damaged = jpeg_with_exif()[..24].to_vec();
        damaged.extend(std::iter::repeat_n(0x5a, 4000));
        assert_eq!(
            process_image(&damaged, FileType::Jpeg).err(),
            Some(ImageProblem::Unreadable)
        );
        assert_eq!(
            process_image(
                b"GIF89a\x0a\x00\x0a\x00\xff\xff\xff not really",
                FileType::Gif
            )
            .err(),
            Some(ImageProblem::Unreadable)
        );
        // A PNG whose header claims 20,000 × 20,000 pixels (with a correct checksum).
        let mut huge = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        let mut header = 20_000u32.to_be_bytes().to_vec();
        header.extend_from_slice(&20_000u32.to_be_bytes());
        header.extend_from_slice(&[8, 2, 0, 0, 0]);
        let mut crc = flate2::Crc::new();
        crc.update(b"IHDR");
        crc.update(&header);
        huge.extend_from_slice(&header);
        huge.extend_from_slice(&crc.sum().to_be_bytes());
        assert_eq!(
            process_image(&huge, FileType::Png).err(),
            Some(ImageProblem::TooLarge)
        );
    }

    #[test]
    fn reencoded_images_are_named_for_what_they_are() {
        assert_eq!(with_extension("cat.gif", FileType::Png), "cat.png");
        assert_eq!(with_extension("cat.JPEG", FileType::Jpeg), "cat.JPEG");
        assert_eq!(with_extension("cat", FileType::Png), "cat.png");
        assert_eq!(with_extension("notes.pdf", FileType::Pdf), "notes.pdf");
    }
}
