//! Rebuild when the files the binary embeds change: migrations, styles and public files.
fn main() {
    for dir in ["../migrations", "../style", "../public"] {
        println!("cargo:rerun-if-changed={dir}");
    }
}
