// Rich-text fields (textarea[data-rich-text]) edited as formatted text: a contenteditable box
// with a small toolbar (加粗, 小标题, 正文, 项目符号, 编号) over the textarea, which stays in the
// form, hidden, and carries the HTML. Without JavaScript the textarea is what the clerk edits.
// Only the tags the server keeps (documents/richtext.py) are ever put into the page or the
// textarea; the server sanitises again on save.
(function () {
  "use strict";

  var BLOCK = { P: "p", DIV: "p", H1: "h3", H2: "h3", H3: "h3", H4: "h4", H5: "h4", H6: "h4",
                UL: "ul", OL: "ol", LI: "li", TABLE: "table", THEAD: "thead", TBODY: "tbody",
                TR: "tr", TH: "th", TD: "td" };
  var INLINE = { B: "strong", STRONG: "strong", I: "em", EM: "em", BR: "br" };
  var SPANS = ["colspan", "rowspan"];
  var TOOLS = [
    ["bold", null, "加粗"],
    ["formatBlock", "h3", "小标题"],
    ["formatBlock", "p", "正文"],
    ["insertUnorderedList", null, "项目符号"],
    ["insertOrderedList", null, "编号"]
  ];

  // A copy of ``source``'s children made of allowed elements and text only (no attributes
  // but table spans); other elements give up their tags and keep their text, and script or
  // style keep nothing.
  function copyAllowed(source, into) {
    var doc = into.ownerDocument;
    source.childNodes.forEach(function (node) {
      if (node.nodeType === 3) { into.appendChild(doc.createTextNode(node.nodeValue)); return; }
      if (node.nodeType !== 1 || node.tagName === "SCRIPT" || node.tagName === "STYLE") { return; }
      var tag = BLOCK[node.tagName] || INLINE[node.tagName];
      // A paragraph holding a list or another block (Chromium makes <p><ul>…</ul></p>) gives
      // up its tag: HTML cannot nest them, and a parser would split it into empty paragraphs.
      var holdsBlocks = tag === "p" && node.querySelector("ul, ol, table, p, div, h1, h2, h3, h4");
      if (!tag || holdsBlocks) { copyAllowed(node, into); return; }
      var made = doc.createElement(tag);
      SPANS.forEach(function (name) {
        var value = node.getAttribute(name);
        if (value && /^\d{1,3}$/.test(value)) { made.setAttribute(name, value); }
      });
      copyAllowed(node, made);
      into.appendChild(made);
    });
    return into;
  }

  // The editor's content as the stored HTML: loose text and inline runs at the top level
  // become paragraphs, empty paragraphs are dropped.
  function serialise(editor) {
    var clean = copyAllowed(editor, document.createElement("div"));
    var out = document.createElement("div");
    var paragraph = null;
    Array.prototype.slice.call(clean.childNodes).forEach(function (node) {
      var inline = node.nodeType === 3 || node.tagName === "STRONG" || node.tagName === "EM" ||
        node.tagName === "BR";
      if (inline) {
        if (node.tagName === "BR") { paragraph = null; return; }
        if (!paragraph) { paragraph = out.appendChild(document.createElement("p")); }
        paragraph.appendChild(node);
      } else {
        paragraph = null;
        out.appendChild(node);
      }
    });
    // Chromium keeps a <br> in an empty line; a line left empty is dropped.
    out.querySelectorAll("p > br:last-child, li > br:last-child, h3 > br:last-child")
      .forEach(function (br) { br.remove(); });
    out.querySelectorAll("p, h3, h4, li").forEach(function (block) {
      if (!block.textContent.trim() && !block.querySelector("br")) { block.remove(); }
    });
    out.querySelectorAll("ul, ol").forEach(function (list) {
      if (!list.querySelector("li")) { list.remove(); }
    });
    return out.innerHTML;
  }

  function attach(textarea) {
    var label = document.querySelector('label[for="' + textarea.id + '"]');
    if (label && !label.id) { label.id = textarea.id + "-label"; }
    var box = document.createElement("div");
    box.className = "rich-editor";
    var bar = document.createElement("div");
    bar.className = "rich-toolbar";
    bar.setAttribute("role", "toolbar");
    if (label) { bar.setAttribute("aria-label", label.textContent.trim() + " 格式"); }
    var editor = document.createElement("div");
    editor.className = "rich-text";
    editor.contentEditable = "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    if (label) { editor.setAttribute("aria-labelledby", label.id); }
    ["aria-invalid", "aria-describedby"].forEach(function (name) {
      if (textarea.hasAttribute(name)) { editor.setAttribute(name, textarea.getAttribute(name)); }
    });
    if (textarea.readOnly) { editor.contentEditable = "false"; bar.hidden = true; }
    var parsed = new DOMParser().parseFromString(textarea.value, "text/html");  // inert
    copyAllowed(parsed.body, editor);

    TOOLS.forEach(function (tool) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary small";
      button.textContent = tool[2];
      button.dataset.command = tool[0];
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function () {
        editor.focus();
        document.execCommand(tool[0], false, tool[1]);
        sync();
      });
      bar.appendChild(button);
    });

    function sync() {
      var html = serialise(editor);
      if (html === textarea.value) { return; }
      textarea.value = html;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));  // autosave, preview
    }
    editor.addEventListener("input", sync);
    editor.addEventListener("blur", sync);
    editor.addEventListener("paste", function (event) {  // pasted text: no foreign styling
      var text = event.clipboardData && event.clipboardData.getData("text/plain");
      if (text === undefined || text === null) { return; }
      event.preventDefault();
      document.execCommand("insertText", false, text);
    });

    box.appendChild(bar);
    box.appendChild(editor);
    textarea.parentNode.insertBefore(box, textarea.nextSibling);
    textarea.hidden = true;
    textarea.style.display = "none";
    textarea.form && textarea.form.addEventListener("submit", sync);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.execCommand("defaultParagraphSeparator", false, "p");
    document.querySelectorAll("textarea[data-rich-text]").forEach(attach);
  });
}());
