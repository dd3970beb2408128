// Runs the built worker (target/edge/dist) under workerd, through Miniflare, on 127.0.0.1 with no
// network access needed: Workers KV and the Cache API are local.
//
// Settings, from the environment:
//   EDGE_PORT        port to listen on (8787; 0 picks a free one)
//   ORIGIN           the Quorum server behind the edge (http://127.0.0.1:3000)
//   LINK_KEYS        the server's QUORUM_LINK_KEYS; without it, sign-in links go to the origin
//   SIGN_IN_LIMIT    sign-in posts allowed per client IP per window (20)
//   SIGN_IN_WINDOW   the window, in seconds (600)
// Prints "edge: ready at <url>" once it is listening.
import { Miniflare, Log, LogLevel } from "miniflare";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = process.env.EDGE_DIST ?? path.join(root, "target", "edge", "dist");

const bindings = {
  ORIGIN: process.env.ORIGIN ?? "http://127.0.0.1:3000",
  SIGN_IN_LIMIT: process.env.SIGN_IN_LIMIT ?? "20",
  SIGN_IN_WINDOW: process.env.SIGN_IN_WINDOW ?? "600",
};
if (process.env.LINK_KEYS) bindings.LINK_KEYS = process.env.LINK_KEYS;

const mf = new Miniflare({
  host: "127.0.0.1",
  port: Number(process.env.EDGE_PORT ?? 8787),
  log: new Log(LogLevel.WARN),
  // No later than the bundled workerd's own date.
  compatibilityDate: "2026-04-01",
  modules: true,
  scriptPath: path.join(dist, "shim.mjs"),
  modulesRoot: dist,
  modulesRules: [
    { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
    { type: "CompiledWasm", include: ["**/*.wasm"] },
  ],
  bindings,
  kvNamespaces: ["RATE_LIMIT"],
  cache: true,
  // Do not fetch Cloudflare's request metadata from the internet at start-up.
  cf: false,
});

const url = await mf.ready;
console.log(`edge: ready at ${url.href.replace(/\/$/, "")} in front of ${bindings.ORIGIN}`);

const stop = async () => {
  await mf.dispose();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
