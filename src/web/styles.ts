/**
 * The one style sheet of the pages, served as /assets/style-<hash>.css (a TypeScript string so that
 * the compiled server carries it in dist/ without a copy step). Colours meet WCAG AA contrast; the
 * gate's green and red carry white text at 5:1 or more, and the verdict is also said in words.
 */
export const CSS = `
:root{--fg:#1a1a1a;--bg:#fff;--muted:#4a4a4a;--accent:#0b57d0;--ok:#0a6b2c;--bad:#a4161a;--line:#c7c7c7;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:112.5%;line-height:1.5;color:var(--fg);background:var(--bg)}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0}
.skip{position:absolute;left:-999px;top:0;background:#fff;color:var(--accent);padding:.5rem 1rem;z-index:10}
.skip:focus{left:0}
.bar{display:flex;align-items:center;justify-content:space-between;gap:1rem;padding:.5rem 1rem;border-bottom:1px solid var(--line)}
.bar ul{display:flex;flex-wrap:wrap;gap:1rem;list-style:none;margin:0;padding:0}
a{color:var(--accent)}
a[aria-current=page]{font-weight:700;color:var(--fg)}
main{max-width:52rem;margin:0 auto;padding:1rem 1rem 3rem}
main:focus{outline:none}
h1{font-size:1.8rem;margin:.5rem 0 1rem}
.lead{font-size:1.15rem}
.cards li{margin:.4rem 0}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input,select,button{font:inherit}
input,select{width:100%;max-width:28rem;padding:.55rem .6rem;border:2px solid #6b6b6b;border-radius:.35rem;background:#fff;color:var(--fg)}
input[aria-invalid=true],select[aria-invalid=true]{border-color:var(--bad)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
button{display:inline-block;margin:1rem .5rem 0 0;padding:.6rem 1.2rem;border:2px solid var(--accent);border-radius:.35rem;background:var(--accent);color:#fff;font-weight:600;cursor:pointer;min-height:44px}
button.quiet{background:#fff;color:var(--accent)}
.bar button.quiet{margin:0}
button.danger{background:#fff;color:var(--bad);border-color:var(--bad)}
button:disabled{opacity:.6;cursor:default}
.hint{color:var(--muted);margin:.25rem 0;overflow-wrap:anywhere}
.error,.field-error{color:var(--bad);font-weight:600}
.field-error{margin:.25rem 0}
.qr{display:block;width:min(80vw,60vh,36rem);height:auto;aspect-ratio:1;image-rendering:pixelated;background:#fff}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}
dt{font-weight:600}
dd{margin:0}
.actions{display:flex;flex-wrap:wrap;align-items:center}
fieldset{border:1px solid var(--line);border-radius:.35rem;margin:1rem 0;padding:0 1rem 1rem}
legend{font-weight:600;padding:0 .3rem}
.receipt-note{font-size:1.1rem}
/* The gate: a full screen the door person reads at arm's length, in portrait or landscape. */
body.gate.running .bar,body.gate.running #gate-title{display:none}
body.gate.running main{max-width:none;padding:1rem;min-height:100vh;display:flex;flex-direction:column}
.door{display:flex;flex-direction:column;align-items:center;justify-content:center;gap:1rem;flex:1;text-align:center}
.door-title{font-size:clamp(1.6rem,5vmin,3rem);margin:0}
.door .qr{width:min(90vw,70vh)}
.door-result{font-size:clamp(1.4rem,4.5vmin,2.6rem)}
.verdict{font-size:clamp(2.5rem,11vmin,7rem);font-weight:800;margin:0}
.details{list-style:none;padding:0;margin:.5rem 0}
body.gate.accepted{background:var(--ok);color:#fff}
body.gate.rejected{background:var(--bad);color:#fff}
body.gate.accepted .door-qr,body.gate.rejected .door-qr,body.gate.accepted .door-title,body.gate.rejected .door-title{display:none}
body.gate.accepted button.quiet,body.gate.rejected button.quiet{background:transparent;color:#fff;border-color:#fff}
@media (orientation:landscape) and (min-width:60rem){
 body.gate.running .door{flex-direction:row;flex-wrap:wrap}
 body.gate.running .door-title{flex-basis:100%}
 body.gate.running .door .qr{width:min(60vw,80vh)}
}
textarea{width:100%;max-width:40rem;font:inherit;font-family:ui-monospace,monospace;font-size:.9rem;padding:.5rem;border:2px solid #6b6b6b;border-radius:.35rem}
.camera{display:block;width:min(90vw,28rem);aspect-ratio:1;object-fit:cover;background:#000;margin-top:1rem}
/* The printed receipt: the offer alone, its QR large. */
@media print{
 .bar,.skip,h1,#signin,#compose,.actions,#offer-error{display:none!important}
 main{max-width:none;padding:0}
 .receipt .qr{width:12cm}
}
`;
