//! Reading the zips Quorum writes (exports and archives), as a person's unzip tool would.

use std::io::Read;

/// The files of a zip, read through its local headers (stored or deflated entries).
pub fn unzip(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let u16_at = |i: usize| usize::from(u16::from_le_bytes([zip[i], zip[i + 1]]));
    let u32_at =
        |i: usize| u32::from_le_bytes(zip[i..i + 4].try_into().expect("four bytes")) as usize;
    let mut files = Vec::new();
    let mut at = 0;
    while u32_at(at) == 0x0403_4b50 {
        let (method, compressed, size) = (u16_at(at + 8), u32_at(at + 18), u32_at(at + 22));
        let (name_len, extra) = (u16_at(at + 26), u16_at(at + 28));
        let name =
            String::from_utf8(zip[at + 30..at + 30 + name_len].to_vec()).expect("a UTF-8 name");
        let data = &zip[at + 30 + name_len + extra..][..compressed];
        let contents = match method {
            0 => data.to_vec(),
            8 => {
                let mut out = Vec::new();
                flate2::read::DeflateDecoder::new(data)
                    .read_to_end(&mut out)
                    .expect("a whole deflated entry");
                out
            }
            other => panic!("{name}: compression method {other}"),
        };
        assert_eq!(contents.len(), size, "{name}");
        files.push((name, contents));
        at += 30 + name_len + extra + compressed;
    }
    assert_eq!(u32_at(at), 0x0201_4b50, "the central directory follows");
    files
}
