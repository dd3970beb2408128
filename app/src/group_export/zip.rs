//! A small ZIP writer for the group archive: files deflated with `flate2`, checked with
//! `crc32fast`, in the plain (not ZIP64) format every unzip tool and operating system reads.
//!
//! Strategy: the archive is small enough to build in memory, so each file is compressed whole
//! and its local header written with the sizes and CRC known (no data descriptors); the
//! central directory follows. Names are UTF-8 (flag bit 11). An archive past the plain
//! format's 4 GiB or 65,535 files is refused rather than written wrong.

use std::io::Write;

use flate2::Compression;
use flate2::write::DeflateEncoder;

use crate::domain::time::utc_date;

/// A ZIP archive being written.
pub struct ZipWriter {
    out: Vec<u8>,
    central: Vec<u8>,
    entries: u16,
    /// MS-DOS time and date of every file.
    time: u16,
    date: u16,
}

/// Why an archive could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ZipError {
    #[error("the archive is too large for the ZIP format")]
    TooLarge,
    #[error("compression failed: {0}")]
    Io(#[from] std::io::Error),
}

fn small(n: usize) -> Result<u32, ZipError> {
    u32::try_from(n).map_err(|_| ZipError::TooLarge)
}

impl ZipWriter {
    /// An empty archive whose files are dated `unix` (seconds, UTC).
    pub fn new(unix: i64) -> Self {
        let (year, month, day, seconds) = utc_date(unix);
        let year = year.clamp(1980, 2107) - 1980;
        let date = (year << 9) | (month << 5) | day;
        let time = ((seconds / 3600) << 11) | (((seconds / 60) % 60) << 5) | ((seconds % 60) / 2);
        Self {
            out: Vec::new(),
            central: Vec::new(),
            entries: 0,
            time: u16::try_from(time).unwrap_or(0),
            date: u16::try_from(date).unwrap_or(0),
        }
    }

    /// Adds the file `name` holding `data`.
    pub fn add(&mut self, name: &str, data: &[u8]) -> Result<(), ZipError> {
        let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data)?;
        let compressed = encoder.finish()?;
        let crc = crc32fast::hash(data);
        let offset = small(self.out.len())?;
        let (size, packed) = (small(data.len())?, small(compressed.len())?);
        let name_len = u16::try_from(name.len()).map_err(|_| ZipError::TooLarge)?;
        self.entries = self.entries.checked_add(1).ok_or(ZipError::TooLarge)?;
        // The fields both headers share: version needed, UTF-8 names, deflate, time, date,
        // CRC, sizes, name length.
        let mut common = Vec::with_capacity(26);
        for half in [20, 0x0800, 8, self.time, self.date] {
            common.extend_from_slice(&u16::to_le_bytes(half));
        }
        for word in [crc, packed, size] {
            common.extend_from_slice(&word.to_le_bytes());
        }
        common.extend_from_slice(&name_len.to_le_bytes());
        self.out.extend_from_slice(&0x0403_4b50_u32.to_le_bytes());
        self.out.extend_from_slice(&common);
        self.out.extend_from_slice(&0_u16.to_le_bytes()); // no extra field
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(&compressed);
        self.central
            .extend_from_slice(&0x0201_4b50_u32.to_le_bytes());
        self.central.extend_from_slice(&20_u16.to_le_bytes()); // made by: MS-DOS, 2.0
        self.central.extend_from_slice(&common);
        // No extra field or comment; disk 0; no internal or external attributes.
        for half in [0_u16, 0, 0, 0] {
            self.central.extend_from_slice(&half.to_le_bytes());
        }
        self.central.extend_from_slice(&0_u32.to_le_bytes());
        self.central.extend_from_slice(&offset.to_le_bytes());
        self.central.extend_from_slice(name.as_bytes());
        small(self.out.len())?;
        Ok(())
    }

    /// The finished archive.
    pub fn finish(mut self) -> Result<Vec<u8>, ZipError> {
        let offset = small(self.out.len())?;
        let size = small(self.central.len())?;
        small(self.out.len() + self.central.len() + 22)?;
        self.out.append(&mut self.central);
        self.out.extend_from_slice(&0x0605_4b50_u32.to_le_bytes());
        for half in [0, 0, self.entries, self.entries] {
            self.out.extend_from_slice(&u16::to_le_bytes(half));
        }
        self.out.extend_from_slice(&size.to_le_bytes());
        self.out.extend_from_slice(&offset.to_le_bytes());
        self.out.extend_from_slice(&0_u16.to_le_bytes()); // no comment
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn u16_at(bytes: &[u8], at: usize) -> usize {
        usize::from(u16::from_le_bytes([bytes[at], bytes[at + 1]]))
    }
    fn u32_at(bytes: &[u8], at: usize) -> u32 {
        u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
    }

    /// Reads an archive back through its central directory, as an unzip tool does.
    fn read(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
        let end = zip.len() - 22;
        assert_eq!(u32_at(zip, end), 0x0605_4b50);
        let count = u16_at(zip, end + 10);
        let mut at = u32_at(zip, end + 16) as usize;
        let mut files = Vec::new();
        for _ in 0..count {
            assert_eq!(u32_at(zip, at), 0x0201_4b50);
            let crc = u32_at(zip, at + 16);
            let packed = u32_at(zip, at + 20) as usize;
            let name_len = u16_at(zip, at + 28);
            let local = u32_at(zip, at + 42) as usize;
            let name = String::from_utf8(zip[at + 46..at + 46 + name_len].to_vec()).unwrap();
            assert_eq!(u32_at(zip, local), 0x0403_4b50);
            let data_at = local + 30 + u16_at(zip, local + 26) + u16_at(zip, local + 28);
            let mut data = Vec::new();
            flate2::read::DeflateDecoder::new(&zip[data_at..data_at + packed])
                .read_to_end(&mut data)
                .unwrap();
            assert_eq!(crc32fast::hash(&data), crc, "{name}");
            files.push((name, data));
            at += 46 + name_len;
        }
        files
    }

    #[test]
    fn files_written_are_read_back_whole_with_their_names() {
        let mut zip = ZipWriter::new(1_765_000_000);
        zip.add("index.html", "<p>Grüße</p>".repeat(100).as_bytes())
            .unwrap();
        zip.add("csv/empty.csv", b"").unwrap();
        let files = read(&zip.finish().unwrap());
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].0, "index.html");
        assert_eq!(files[0].1, "<p>Grüße</p>".repeat(100).as_bytes());
        assert_eq!(files[1], ("csv/empty.csv".to_string(), Vec::new()));
    }
}
