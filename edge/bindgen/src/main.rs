//! `quorum-edge-bindgen IN.wasm OUT_DIR`: writes wasm-bindgen's ES-module glue for the edge
//! worker (`index.js`, `index_bg.wasm`), as `wasm-bindgen --target web --no-typescript` would.
//! Built from the workspace's own lock file, so the glue always matches the `wasm-bindgen`
//! the worker was compiled with, and nothing is downloaded.

use anyhow::{Context, bail};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, out_dir] = args.as_slice() else {
        bail!("usage: quorum-edge-bindgen IN.wasm OUT_DIR");
    };
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(input)
        .out_name("index")
        .web(true)?
        .typescript(false)
        .generate(out_dir)
        .with_context(|| format!("could not write the worker's glue for {input}"))
}
