/**
 * The dialog's stylesheet, adopted by the shadow root (a constructable sheet: nothing for a CSP to
 * block). One rule a line; the pieces are joined at build time.
 */
export const DIALOG_CSS =
  ":host{--bg:#fff;--fg:#1f2328;--mu:#59636e;--bd:#c9d1d9;--er:#b3261e}" +
  "@media(prefers-color-scheme:dark){:host{--bg:#1c1f24;--fg:#e6e8eb;--mu:#a3adb8;--bd:#3d444d;--er:#ffb4ab}}" +
  "*{box-sizing:border-box;font:inherit;color:inherit;margin:0}" +
  ".d{position:fixed;z-index:2147483647;right:20px;bottom:80px;width:380px;max-width:calc(100vw - 24px);max-height:calc(100vh - 100px);overflow:auto;padding:16px;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,sans-serif;border:1px solid var(--bd);border-radius:8px;box-shadow:0 8px 28px #0004}" +
  ".dt{top:80px;bottom:auto}.dl{left:20px;right:auto}" +
  "@media(max-width:480px){.d{inset:auto 0 0;width:auto;max-width:none;max-height:100vh}}" +
  ".d,form,.v,label,fieldset{display:flex;flex-direction:column;gap:12px}" +
  "label,fieldset{gap:4px;border:0;padding:0;font-weight:500;min-width:0}" +
  "header,footer,.row,.r{display:flex;gap:8px;align-items:center;flex-wrap:wrap}" +
  "header,footer{justify-content:space-between}" +
  "h2,h3{font-size:16px;font-weight:600}h3{font-size:13px}" +
  "input,textarea,select,button,.r span{background:var(--bg);border:1px solid var(--bd);border-radius:6px;padding:7px 10px}" +
  "textarea{min-height:96px;resize:vertical}" +
  "small,li{color:var(--mu);font-weight:400;font-size:13px}" +
  "button{cursor:pointer}" +
  ".p,[aria-pressed=true],.r input:checked+span{background:var(--c);border-color:var(--c);color:#fff}" +
  ".p{font-weight:600}" +
  ".x,li button,.l{border:0;padding:2px 6px;font-size:18px}" +
  ".l{padding:0;font-size:12px;color:var(--mu);text-decoration:underline}" +
  ":focus-visible,.r input:focus-visible+span{outline:2px solid var(--c);outline-offset:2px}" +
  ".e{color:var(--er);font-size:13px}[aria-invalid=true]{border-color:var(--er)}" +
  ".c{flex-direction:row;align-items:center;font-weight:400}" +
  ".r{gap:4px}.r label{position:relative}" +
  ".r input{position:absolute;opacity:0;inset:0}" +
  ".r span{min-width:32px;padding:5px 6px;text-align:center;font-weight:400}" +
  "ul{list-style:none;padding:0}li{display:flex;justify-content:space-between;align-items:center}" +
  "li span{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}" +
  "canvas{width:100%;max-height:40vh;object-fit:contain;border:1px solid var(--bd);border-radius:6px}" +
  "[hidden]{display:none!important}" +
  ":host([data-capturing]) *{visibility:hidden!important}";
