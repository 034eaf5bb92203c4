// Starts the app. An external module rather than trunk's inline script, so the page's
// Content-Security-Policy can forbid inline code. trunk writes the hashed file names into
// this script tag's data attributes (see Trunk.toml, pattern_script).
const tag = document.querySelector("script[data-blastmap-js]");
try {
  const { default: init } = await import(new URL(tag.dataset.blastmapJs, document.baseURI).href);
  await init({ module_or_path: new URL(tag.dataset.blastmapWasm, document.baseURI) });
  dispatchEvent(new CustomEvent("TrunkApplicationStarted"));
} catch (error) {
  const message = document.createElement("p");
  message.className = "boot-error";
  message.textContent = `Blastmap could not start in this browser: ${error}`;
  document.body.append(message);
  throw error;
}
