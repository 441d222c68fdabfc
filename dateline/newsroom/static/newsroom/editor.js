// The story body editor's own parts, loaded by django-prose-editor as an extension module.
//
// Pictures, ALSO READ links, story links and embeds live in a body only as references
// (see dateline/news/body.py). These Tiptap nodes keep them intact through editing and show
// the writer what each one stands for; the panel below the editor inserts them by search,
// so nobody types HTML. The server sanitises whatever arrives, whatever this file does.
import { Mark, Node, mergeAttributes } from "django-prose-editor/editor"

const API = "/newsroom/"
const lookups = new Map()

function lookup(kind, params) {
  const query = new URLSearchParams(params).toString()
  const key = `${kind}?${query}`
  if (!lookups.has(key)) {
    lookups.set(
      key,
      fetch(`${API}${kind}/?${query}`, { credentials: "same-origin" }).then(async (r) => {
        const data = await r.json().catch(() => ({}))
        if (!r.ok || data.ok === false) {
          throw new Error(data.error || `The newsroom answered ${r.status}.`)
        }
        return data
      }),
    )
    lookups.get(key).catch(() => lookups.delete(key))
  }
  return lookups.get(key)
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag)
  Object.assign(node, props)
  for (const child of children) node.append(child)
  return node
}

function referenceView(className, describe) {
  return ({ node }) => {
    const dom = el("div", { className: `dl-ref ${className}`, contentEditable: "false" })
    dom.dataset.ref = className
    describe(node, dom)
    return { dom }
  }
}

function pictureCard(dom, picture) {
  dom.replaceChildren(
    picture.thumb ? el("img", { src: picture.thumb, alt: picture.alt || "" }) : "",
    el(
      "span",
      { className: "dl-ref-text" },
      el("strong", { textContent: "Picture: " }),
      picture.caption || "(no caption)",
      el("span", { className: "dl-credit", textContent: ` Credit: ${picture.credit || "missing"}` }),
    ),
  )
}

// An atom block node for one kind of reference: `attributes` maps each node attribute to
// the data-* attribute that stores it; `tag` is how it is written, `match` how it is read.
function referenceNode({ name, attributes, tag, match, className, priority, describe }) {
  return Node.create({
    name,
    group: "block",
    atom: true,
    draggable: true,
    selectable: true,
    addAttributes() {
      return Object.fromEntries(
        Object.entries(attributes).map(([attr, dataAttr]) => [
          attr,
          {
            default: null,
            parseHTML: (element) => element.getAttribute(dataAttr),
            renderHTML: (attrs) => ({ [dataAttr]: attrs[attr] }),
          },
        ]),
      )
    },
    parseHTML() {
      return [priority ? { tag: match, priority } : { tag: match }]
    },
    renderHTML({ HTMLAttributes }) {
      return [tag, mergeAttributes(className ? { class: className } : {}, HTMLAttributes)]
    },
    addNodeView() {
      const kind = name.replace(/^dateline/, "").replace(/([a-z])([A-Z])/g, "$1-$2")
      return referenceView(`dl-${kind.toLowerCase()}`, describe)
    },
  })
}

export const DatelinePicture = referenceNode({
  name: "datelinePicture",
  attributes: { picture: "data-picture" },
  tag: "figure",
  match: "figure[data-picture]",
  describe: (node, dom) => {
    dom.textContent = `Picture ${node.attrs.picture}`
    lookup("pictures", { id: node.attrs.picture })
      .then((data) => data.results[0] && pictureCard(dom, data.results[0]))
      .catch((error) => (dom.textContent = error.message))
  },
})

export const DatelineAlsoRead = referenceNode({
  name: "datelineAlsoRead",
  attributes: { article: "data-article" },
  tag: "p",
  className: "also-read",
  // Above the paragraph's own rule, which would otherwise take every <p>.
  match: "p.also-read[data-article]",
  priority: 60,
  describe: (node, dom) => {
    dom.textContent = `ALSO READ: story ${node.attrs.article}`
    lookup("stories", { id: node.attrs.article })
      .then((data) => {
        const story = data.results[0]
        if (story) dom.replaceChildren(el("strong", { textContent: "ALSO READ: " }), story.headline)
      })
      .catch((error) => (dom.textContent = error.message))
  },
})

export const DatelineEmbed = referenceNode({
  name: "datelineEmbed",
  attributes: { provider: "data-embed", url: "data-url" },
  tag: "figure",
  match: "figure[data-embed]",
  describe: (node, dom) => {
    dom.replaceChildren(
      el("strong", { textContent: `Embed (${node.attrs.provider}): ` }),
      node.attrs.url || "",
    )
  },
})

// A link to one of our own stories, stored by id so it follows the story if its URL changes.
export const DatelineStoryLink = Mark.create({
  name: "datelineStoryLink",
  priority: 1100,
  addAttributes() {
    return {
      article: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-article"),
        renderHTML: (attributes) => ({ "data-article": attributes.article }),
      },
    }
  },
  parseHTML() {
    return [{ tag: "a[data-article]", priority: 60 }]
  },
  renderHTML({ HTMLAttributes }) {
    return ["a", mergeAttributes(HTMLAttributes), 0]
  },
})

// The insert panel under the editor: search the picture library or published headlines,
// or paste an embed address, and the reference goes in at the cursor.
const TOOLS = {
  picture: {
    label: "Picture…",
    prompt: "Search the picture library (caption, credit, alt text)",
    kind: "pictures",
    describe: (p) => `${p.caption || "(no caption)"} — ${p.credit || "no credit"}`,
    insert: (p) => ({ type: "datelinePicture", attrs: { picture: String(p.id) } }),
  },
  alsoRead: {
    label: "ALSO READ…",
    prompt: "Search headlines",
    kind: "stories",
    describe: (s) => `${s.headline} (${s.section || "no section"}, ${s.status})`,
    insert: (s) => ({ type: "datelineAlsoRead", attrs: { article: String(s.id) } }),
  },
  embed: {
    label: "Embed…",
    prompt: "Paste a YouTube, Vimeo, Spotify, Datawrapper or X address",
    kind: "embed",
  },
}

function buildPanel(editor, textarea) {
  const panel = el("div", { className: "dl-tools" })
  panel.setAttribute("role", "group")
  panel.setAttribute("aria-label", "Insert into the story")
  const chooser = el("div", { className: "dl-chooser", hidden: true })
  const input = el("input", { type: "search", className: "dl-search" })
  const label = el("label", {}, el("span", { className: "dl-prompt" }), input)
  const go = el("button", { type: "button", className: "dl-go", textContent: "Search" })
  const results = el("ul", { className: "dl-results" })
  const message = el("p", { className: "dl-message" })
  message.setAttribute("role", "status")
  chooser.append(label, go, results, message)
  let active = null

  function show(name) {
    active = TOOLS[name]
    chooser.hidden = false
    chooser.dataset.tool = name
    label.querySelector(".dl-prompt").textContent = `${active.prompt} `
    go.textContent = active.kind === "embed" ? "Insert" : "Search"
    input.type = active.kind === "embed" ? "url" : "search"
    input.value = ""
    results.replaceChildren()
    message.textContent = ""
    input.focus()
  }

  function insert(content) {
    // At the end of the selection, not over it: right after an insertion the new node is
    // selected, and a second insertion must go after it rather than replace it.
    editor.chain().focus().insertContentAt(editor.state.selection.to, content).run()
    chooser.hidden = true
  }

  async function run() {
    if (!active) return
    const value = input.value.trim()
    message.textContent = ""
    results.replaceChildren()
    try {
      if (active.kind === "embed") {
        const data = await lookup("embed", { url: value })
        insert({ type: "datelineEmbed", attrs: { provider: data.provider, url: data.url } })
        return
      }
      const data = await lookup(active.kind, { q: value })
      if (!data.results.length) message.textContent = "Nothing found."
      const tool = active
      for (const item of data.results) {
        const choose = el("button", { type: "button", className: "dl-choose" })
        if (item.thumb) choose.append(el("img", { src: item.thumb, alt: "" }))
        choose.append(tool.describe(item))
        choose.addEventListener("click", () => insert(tool.insert(item)))
        results.append(el("li", {}, choose))
      }
    } catch (error) {
      message.textContent = error.message
    }
  }

  for (const [name, tool] of Object.entries(TOOLS)) {
    const button = el("button", { type: "button", textContent: tool.label })
    button.dataset.tool = name
    button.addEventListener("click", () => show(name))
    panel.append(button)
  }
  go.addEventListener("click", run)
  input.addEventListener("keydown", (event) => {
    // Enter would submit the whole story form.
    if (event.key === "Enter") {
      event.preventDefault()
      run()
    }
  })
  panel.append(chooser)
  textarea.closest(".prose-editor").append(panel)
}

document.addEventListener("prose-editor:ready", (event) => {
  const { editor, textarea } = event.detail
  if (textarea.dataset.datelineBody !== undefined) buildPanel(editor, textarea)
})
