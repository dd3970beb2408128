//! A small ZIP writer: files deflated (flate2) into one archive in memory, with CRC-32 from
//! flate2 too, so the personal and group exports need no ZIP crate. It writes only what an export needs:
//! a few files of at most a few hundred megabytes (no ZIP64), UTF-8 names, no folders, no
//! encryption. Every unzip tool, and the browser suite's own reader, opens it.

use std::io::Write;

use flate2::Crc;
use flate2::write::DeflateEncoder;

/// The address, relative to a page inside the archive, of the entry at `path` (such as
/// `files/<id>/Minutes March.pdf`): each part percent-encoded, for a link that works unzipped.
pub fn relative_href(path: &str) -> String {
    path.split('/')
        .map(|part| {
            form_urlencoded::byte_serialize(part.as_bytes())
                .collect::<String>()
                .replace('+', "%20")
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Method 8: deflate.
const DEFLATED: u16 = 8;
/// Version needed to extract: 2.0 (deflate).
const VERSION: u16 = 20;
/// General purpose flag bit 11: the name is UTF-8.
const UTF8_NAMES: u16 = 1 << 11;

/// Why an archive could not be written: a file too large for a ZIP without ZIP64.
#[derive(Debug, thiserror::Error)]
#[error("a file is too large for the archive")]
pub struct TooLarge;

struct Entry {
    name: String,
    crc: u32,
    compressed: u32,
    size: u32,
    offset: u32,
}

/// An archive being written.
pub struct ZipWriter {
    out: Vec<u8>,
    entries: Vec<Entry>,
    /// MS-DOS time and date, the same for every file.
    dos_time: u16,
    dos_date: u16,
}

fn fit(n: usize) -> Result<u32, TooLarge> {
    u32::try_from(n).map_err(|_| TooLarge)
}

impl ZipWriter {
    /// A new archive whose files are dated `unix` (UTC).
    pub fn new(unix: i64) -> Self {
        let (dos_time, dos_date) = dos_stamp(unix);
        Self {
            out: Vec::new(),
            entries: Vec::new(),
            dos_time,
            dos_date,
        }
    }

    /// Adds a file.
    pub fn add(&mut self, name: &str, contents: &[u8]) -> Result<(), TooLarge> {
        let mut crc = Crc::new();
        crc.update(contents);
        let mut encoder = DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        // Writing to a Vec cannot fail.
        let compressed = encoder
            .write_all(contents)
            .and_then(|()| encoder.finish())
            .map_err(|_| TooLarge)?;
        let entry = Entry {
            name: name.to_string(),
            crc: crc.sum(),
            compressed: fit(compressed.len())?,
            size: fit(contents.len())?,
            offset: fit(self.out.len())?,
        };
        let name_len = u16::try_from(name.len()).map_err(|_| TooLarge)?;
        let out = &mut self.out;
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&UTF8_NAMES.to_le_bytes());
        out.extend_from_slice(&DEFLATED.to_le_bytes());
        out.extend_from_slice(&self.dos_time.to_le_bytes());
        out.extend_from_slice(&self.dos_date.to_le_bytes());
        out.extend_from_slice(&entry.crc.to_le_bytes());
        out.extend_from_slice(&entry.compressed.to_le_bytes());
        out.extend_from_slice(&entry.size.to_le_bytes());
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&compressed);
        self.entries.push(entry);
        Ok(())
    }

    /// Writes the central directory and returns the archive.
    pub fn finish(mut self) -> Result<Vec<u8>, TooLarge> {
        let start = fit(self.out.len())?;
        for entry in &self.entries {
            let out = &mut self.out;
            out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
            out.extend_from_slice(&VERSION.to_le_bytes()); // made by
            out.extend_from_slice(&VERSION.to_le_bytes()); // needed
            out.extend_from_slice(&UTF8_NAMES.to_le_bytes());
            out.extend_from_slice(&DEFLATED.to_le_bytes());
            out.extend_from_slice(&self.dos_time.to_le_bytes());
            out.extend_from_slice(&self.dos_date.to_le_bytes());
            out.extend_from_slice(&entry.crc.to_le_bytes());
            out.extend_from_slice(&entry.compressed.to_le_bytes());
            out.extend_from_slice(&entry.size.to_le_bytes());
            let name_len = u16::try_from(entry.name.len()).map_err(|_| TooLarge)?;
            out.extend_from_slice(&name_len.to_le_bytes());
            out.extend_from_slice(&[0; 12]); // extra, comment, disk, internal and external attributes
            out.extend_from_slice(&entry.offset.to_le_bytes());
            out.extend_from_slice(entry.name.as_bytes());
        }
        let size = fit(self.out.len())? - start;
        let count = u16::try_from(self.entries.len()).map_err(|_| TooLarge)?;
        let out = &mut self.out;
        out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        out.extend_from_slice(&[0; 4]); // this disk, the directory's disk
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&start.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // comment length
        Ok(self.out)
    }
}

/// MS-DOS time and date of `unix` (UTC), clamped to the format's years 1980 to 2107.
fn dos_stamp(unix: i64) -> (u16, u16) {
    let Ok(when) = jiff::Timestamp::from_second(unix) else {
        return (0, 0x21);
    };
    let t = when.to_zoned(jiff::tz::TimeZone::UTC).datetime();
    let year = i32::from(t.year()).clamp(1980, 2107) - 1980;
    let time =
        (i32::from(t.hour()) << 11) | (i32::from(t.minute()) << 5) | (i32::from(t.second()) / 2);
    let date = (year << 9) | (i32::from(t.month()) << 5) | i32::from(t.day());
    (
        u16::try_from(time).unwrap_or(0),
        u16::try_from(date).unwrap_or(0x21),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// Reads every file of an archive written above, through its local headers.
    fn read_all(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
        let mut files = Vec::new();
        let mut at = 0;
        let u16_at = |i: usize| u16::from_le_bytes([zip[i], zip[i + 1]]) as usize;
        let u32_at = |i: usize| u32::from_le_bytes(zip[i..i + 4].try_into().unwrap()) as usize;
        while u32_at(at) == 0x0403_4b50 {
            let (compressed, size) = (u32_at(at + 18), u32_at(at + 22));
            let (name_len, extra) = (u16_at(at + 26), u16_at(at + 28));
            let name = String::from_utf8(zip[at + 30..at + 30 + name_len].to_vec()).unwrap();
            let data = at + 30 + name_len + extra;
            let mut contents = Vec::new();
            flate2::read::DeflateDecoder::new(&zip[data..data + compressed])
                .read_to_end(&mut contents)
                .unwrap();
            assert_eq!(contents.len(), size);
            let mut crc = Crc::new();
            crc.update(&contents);
            assert_eq!(crc.sum() as usize, u32_at(at + 14));
            files.push((name, contents));
            at = data + compressed;
        }
        assert_eq!(u32_at(at), 0x0201_4b50, "the central directory follows");
        files
    }

    #[test]
    fn files_come_back_as_written() {
        let mut zip = ZipWriter::new(1_765_000_000);
        zip.add("a.json", b"{\"x\": 1}").unwrap();
        zip.add("b.html", "<p>caf\u{e9}</p>".repeat(100).as_bytes())
            .unwrap();
        let bytes = zip.finish().unwrap();
        let files = read_all(&bytes);
        assert_eq!(files.len(), 2);
        assert_eq!(files[0], ("a.json".into(), b"{\"x\": 1}".to_vec()));
        assert_eq!(files[1].1, "<p>caf\u{e9}</p>".repeat(100).into_bytes());
        let end = bytes.len() - 22;
        assert_eq!(&bytes[end..end + 4], &0x0605_4b50u32.to_le_bytes());
    }

    #[test]
    fn dos_dates_read_back() {
        // 2025-12-06 05:46:40 UTC.
        let (time, date) = dos_stamp(1_765_000_000);
        assert_eq!(date >> 9, 2025 - 1980);
        assert_eq!((date >> 5) & 0xf, 12);
        assert_eq!(date & 0x1f, 6);
        assert_eq!(time >> 11, 5);
    }
}
