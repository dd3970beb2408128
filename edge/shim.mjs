// The worker's entry module: loads the Rust worker (wasm-bindgen's `--target web` glue) and hands
// it each request. Copied next to the glue by `scripts/edge build`.
import { WorkerEntrypoint } from "cloudflare:workers";
import wasmModule from "./index_bg.wasm";
import { initSync, fetch as handleFetch } from "./index.js";

initSync({ module: wasmModule });

export default class extends WorkerEntrypoint {
  fetch(request) {
    return handleFetch(request, this.env, this.ctx);
  }
}
