/* PolicyKG web page: one search box (keyword or question) and hash-routed views over the JSON API.
 * No framework and no network beyond this server: every asset is shipped in search_api/web.
 * Views: #/search?q=  #/docs  #/doc/<id>  #/doc/<id>/art/<n>  #/doc/<id>/task/<n>  #/units  #/unit/<id>
 *        #/trace[/<doc>]  #/due?by=&unit=  #/diff?old=&new=  #/graph/<node>  (node = unit/<id> | doc/<d>/task/<n> | doc/<d>/art/<n> | topic/<id>)
 */
"use strict";
(() => {
  const I18N = {
    zh: {
      skip: "跳到正文", home: "首页", searchLabel: "关键词或问题", placeholder: "输入关键词或问题，如：谁负责电梯安全",
      searchButton: "搜索", views: "视图", navDocs: "文件", navUnits: "单位", navTrace: "追溯矩阵", navDue: "到期任务",
      navGraph: "图谱", navApi: "API", langButton: "EN", langAria: "Switch to English",
      homeTitle: "安全生产政策知识图谱", homeIntro: "输入关键词或用一句话提问：问题会得到负责单位及其依据，关键词会找到相关条文和任务。",
      examples: "试试：", documents: "文件", loading: "正在加载…", error: "出错了", notFound: "没有找到",
      askedPlace: "所问地区", kind_regulator: "监管部门", kind_duty_holder: "责任主体",
      leg_literal: "原词", leg_expanded: "同义扩展", leg_translated: "英译", leg_semantic: "语义相近", foundBy: "由此找到",
      byMeaning: "文件中没有这些原词，以下结果按语义相近排序。",
      answer: "回答", namedInLaws: "法律规定的职责", responsibleUnits: "负责单位", noAnswer: "没有找到负责单位。", results: "搜索结果", noResults: "没有匹配的结果。",
      related: "相关条文与任务", hits: "条结果", evidence: "依据", successorNow: "现为", score: "得分", more: "更多",
      askInstead: "按问题回答", searchInstead: "只看搜索结果", topics: "主题",
      conf_direct: "直接", conf_related: "相关", relatedOnly: "文件没有把这一主题直接分配给任何单位；以下单位经相关主题关联：",
      relatedApart: "经相关主题关联的单位", nearest: "最接近的段落（请自行判断）", localUnits: "本地对应", rank: "第",
      statutoryToo: "同时是", intent_due: "到期任务", intent_unit: "单位职责", intent_trace: "落实该条文的任务",
      role_lead: "牵头", role_cooperating: "配合", role_bearer: "义务主体", role_regulator: "法定监管部门", role_holder: "法定义务主体",
      kind_task: "任务", kind_article: "条文", kind_obligation: "义务", kind_unit: "单位", kind_law: "法律条文", kind_law_article: "法律条文",
      kind_topic: "主题", kind_document: "文件", kind_section: "章节",
      task: "任务", article: "条", section: "部分", deadline: "完成时限", group: "分组", leadUnits: "牵头单位", coUnits: "配合单位",
      articles: "对应条文", tasksBeside: "对应任务", noTask: "无对应任务", previous: "上一个", next: "下一个", text: "内容",
      obligations: "义务", bearers: "义务主体", preamble: "前言", citations: "引用文件", structure: "文件结构",
      openGraph: "在图谱中查看", units: "单位", aliases: "别名", kind: "类型", successor: "继任单位", leadCount: "牵头任务",
      coCount: "配合任务", profile: "单位画像", tasksByDeadline: "任务（按完成时限）", coResponsible: "共同负责单位", role: "角色",
      due: "到期任务", dueBy: "截止日期", asOf: "参照日期", unit: "单位", allUnits: "全部单位", show: "查询", status: "状态",
      status_open: "未到期", status_overdue: "已逾期", status_ongoing: "长期", noDue: "该日期前没有到期任务。",
      trace: "追溯矩阵", traceIntro: "行是条文，列是任务；有色格表示任务落实该条文，红色表示缺口。",
      legendHit: "任务落实条文", legendWeak: "弱匹配", legendGap: "缺口", articlesWithoutTasks: "没有任务的条文",
      tasksWithoutArticles: "没有对应条文的任务", tasksWithoutUnits: "没有负责单位的任务", none: "无", coverage: "覆盖率",
      graph: "关系图谱", graphIntro: "选择一个单位、主题、条文或任务，查看它的关系网络。可拖动、缩放，点击节点打开。",
      graphNode: "节点", graphGo: "查看", graphHelp: "拖动平移，滚轮缩放，点击节点打开；右侧列表可用键盘操作。",
      center: "以此为中心", open: "打开", export: "导出", download: "下载", radius: "范围（步数）", exportPng: "图片 PNG", exportJson: "子图 JSON", neighbours: "相邻节点",
      fit: "适应窗口", builtAt: "构建于", docCount: "份文件", taskCount: "项任务", unitCount: "个单位", articleCount: "条条文",
      unknownError: "未知错误", more_tasks: "项任务",
      navDiff: "版本比较", diff: "版本比较", diffIntro: "选择两份文件（如征求意见稿和正式稿），查看新增、删除、修改和移动的章节、条文与任务。",
      diffOld: "原稿", diffNew: "现稿", compare: "比较", compareDraft: "与草稿比较", changesSince: "修改情况",
      ch_added: "新增", ch_removed: "删除", ch_changed: "修改", ch_moved: "移动", ch_renumbered: "重新编号", ch_unchanged: "未变",
      revision_title: "同一标题，已关联为修订稿", revision_supersedes: "按 --supersedes 关联为修订稿", revision_reversed: "构建中的关联方向相反",
      revision_none: "构建中未关联", unitsAppeared: "新出现的单位", unitsVanished: "不再出现的单位", noDifference: "两份文件没有差别。",
      diffSections: "章节", diffArticles: "条文", diffTasks: "任务", titleBlock: "文件信息", titleField: "标题", similarity: "相似度", issuer: "发文机关", date: "日期", docNumbers: "文号",
    },
    en: {
      skip: "Skip to content", home: "Home", searchLabel: "Keyword or question", placeholder: "A keyword or a question, e.g. who is responsible for elevator safety",
      searchButton: "Search", views: "Views", navDocs: "Documents", navUnits: "Units", navTrace: "Traceability", navDue: "Due tasks",
      navGraph: "Graph", navApi: "API", langButton: "中文", langAria: "切换到中文",
      homeTitle: "Work-safety policy knowledge graph", homeIntro: "Type keywords or ask a question: questions get the responsible units with evidence, keywords find articles and tasks.",
      examples: "Try:", documents: "Documents", loading: "Loading…", error: "Something went wrong", notFound: "Not found",
      askedPlace: "Place asked about", kind_regulator: "regulator", kind_duty_holder: "duty holder",
      leg_literal: "your words", leg_expanded: "related terms", leg_translated: "translated", leg_semantic: "similar meaning", foundBy: "found by",
      byMeaning: "These words do not stand in the documents; the results are ranked by similar meaning.",
      answer: "Answer", namedInLaws: "Named in laws", responsibleUnits: "Responsible units", noAnswer: "No responsible unit found.", results: "Search results", noResults: "Nothing matches.",
      related: "Related articles and tasks", hits: "hits", evidence: "Evidence", successorNow: "now", score: "score", more: "more",
      askInstead: "Answer as a question", searchInstead: "Search results only", topics: "Topics",
      conf_direct: "direct", conf_related: "related", relatedOnly: "The document assigns this topic to no unit directly; these units are linked through related topics:",
      relatedApart: "Units linked through related topics", nearest: "Nearest passages (judge for yourself)", localUnits: "locally", rank: "#",
      statutoryToo: "also", intent_due: "Tasks due", intent_unit: "What the unit is responsible for", intent_trace: "Tasks implementing the article",
      role_lead: "lead", role_cooperating: "co-operating", role_bearer: "obligation bearer", role_regulator: "statutory regulator", role_holder: "statutory duty holder",
      kind_task: "task", kind_article: "article", kind_obligation: "obligation", kind_unit: "unit", kind_law: "law article", kind_law_article: "law article",
      kind_topic: "topic", kind_document: "document", kind_section: "section",
      task: "Task", article: "Article", section: "Section", deadline: "Deadline", group: "Group", leadUnits: "Lead units", coUnits: "Co-operating units",
      articles: "Articles", tasksBeside: "Tasks", noTask: "no task", previous: "Previous", next: "Next", text: "Text",
      obligations: "Obligations", bearers: "Bearers", preamble: "Preamble", citations: "Cited documents", structure: "Structure",
      openGraph: "Show in graph", units: "Units", aliases: "Aliases", kind: "Kind", successor: "Successor", leadCount: "Lead tasks",
      coCount: "Co-op tasks", profile: "Unit profile", tasksByDeadline: "Tasks by deadline", coResponsible: "Co-responsible units", role: "Role",
      due: "Tasks due", dueBy: "Due by", asOf: "As of", unit: "Unit", allUnits: "All units", show: "Show", status: "Status",
      status_open: "open", status_overdue: "overdue", status_ongoing: "ongoing", noDue: "No task falls due by this date.",
      trace: "Traceability matrix", traceIntro: "Rows are articles, columns tasks; a coloured cell means the task implements the article, red marks a gap.",
      legendHit: "task implements article", legendWeak: "weak match", legendGap: "gap", articlesWithoutTasks: "Articles without tasks",
      tasksWithoutArticles: "Tasks without an article", tasksWithoutUnits: "Tasks without units", none: "none", coverage: "coverage",
      graph: "Graph", graphIntro: "Pick a unit, topic, article or task to see its neighbourhood. Drag, zoom, click a node to open it.",
      graphNode: "Node", graphGo: "Show", graphHelp: "Drag to pan, wheel to zoom, click a node to open it; the list on the right works by keyboard.",
      center: "centre here", open: "open", export: "Export", download: "Download", radius: "Radius (steps)", exportPng: "PNG image", exportJson: "subgraph JSON", neighbours: "Neighbours",
      fit: "Fit", builtAt: "built", docCount: "documents", taskCount: "tasks", unitCount: "units", articleCount: "articles",
      unknownError: "unknown error", more_tasks: "tasks",
      navDiff: "Versions", diff: "Compare versions", diffIntro: "Pick two documents (a draft and its final) to see the sections, articles and tasks added, removed, changed and moved.",
      diffOld: "Earlier", diffNew: "Later", compare: "Compare", compareDraft: "Compare with the draft", changesSince: "Changes since the draft",
      ch_added: "added", ch_removed: "removed", ch_changed: "changed", ch_moved: "moved", ch_renumbered: "renumbered", ch_unchanged: "unchanged",
      revision_title: "one title: linked as a revision", revision_supersedes: "linked as a revision by --supersedes", revision_reversed: "the build links them the other way round",
      revision_none: "not linked in this build", unitsAppeared: "Units that appear", unitsVanished: "Units that vanish", noDifference: "The two documents do not differ.",
      diffSections: "Sections", diffArticles: "Articles", diffTasks: "Tasks", titleBlock: "Title block", titleField: "Title", similarity: "similarity", issuer: "Issuer", date: "Date", docNumbers: "Document numbers",
    },
  };
  const EXAMPLES = {
    zh: ["谁负责电梯安全", "危险化学品由哪些单位负责", "双随机一公开", "隐患排查治理", "区财政局"],
    en: ["who is responsible for elevator safety", "hazardous chemicals", "occupational disease prevention"],
  };
  const QUESTION = /[谁哪吗么？?]|负责|牵头|怎么|如何|\b(who|which|what|whom|responsible|leads?)\b/i;

  let lang = localStorage.getItem("policykg.lang") === "en" ? "en" : "zh";
  const main = document.getElementById("main");
  const input = document.getElementById("q");
  let cy = null;

  const t = (key) => (I18N[lang][key] ?? I18N.zh[key] ?? key);
  const esc = (value) => String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const enc = encodeURIComponent;

  /* ---------- data access ---------- */
  class ApiError extends Error {
    constructor(body, status) { super(body?.error || `HTTP ${status}`); this.status = status; this.code = body?.code; this.hint = body?.hint; }
  }
  const cache = new Map();
  async function api(path, { fresh = false } = {}) {
    if (!fresh && cache.has(path)) return cache.get(path);
    const response = await fetch(path, { headers: { Accept: "application/json" } });
    let body = null;
    try { body = await response.json(); } catch (_) { body = null; }
    if (!response.ok) throw new ApiError(body, response.status);
    if (cache.size > 200) cache.clear();
    cache.set(path, body);
    return body;
  }

  /* ---------- small renderers ---------- */
  const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  function highlight(text, words) {
    const list = [...new Set((words || []).filter((w) => w && w.length >= 1))].sort((a, b) => b.length - a.length);
    if (!list.length) return esc(text);
    const pattern = new RegExp(list.map(escapeRegExp).join("|"), "gi");
    let out = "", last = 0;
    const source = String(text ?? "");
    for (const match of source.matchAll(pattern)) {
      if (!match[0]) continue;
      out += esc(source.slice(last, match.index)) + "<mark>" + esc(match[0]) + "</mark>";
      last = match.index + match[0].length;
    }
    return out + esc(source.slice(last));
  }
  // Snippets from the index carry <b>/<em>/<strong>/<mark> around matches: keep those tags, escape everything else.
  function safeSnippet(html) {
    return esc(html).replace(/&lt;(\/?)(b|em|strong|mark)(?:\s[^&]*?)?&gt;/gi, (_m, slash) => `<${slash}mark>`);
  }
  const pill = (text, cls = "") => `<span class="pill ${esc(cls)}">${esc(text)}</span>`;
  const ROLE_KEYS = { "lead unit": "lead", lead: "lead", "co-operating unit": "cooperating", cooperating: "cooperating",
    "obligation bearer": "bearer", bearer: "bearer", "statutory regulator": "regulator", "statutory duty holder": "holder" };
  const roleKey = (role) => ROLE_KEYS[role] || "other";
  const roleLabel = (role) => (role ? (ROLE_KEYS[role] ? t(`role_${ROLE_KEYS[role]}`) : role) : "");
  const kindLabel = (kind) => t(`kind_${kind}`);
  const deadlineText = (d) => (d == null ? "" : typeof d === "string" ? d : d.text || d.due || "");
  const deadlineDue = (d) => (d == null ? null : typeof d === "string" ? d : d.due || null);
  const unitName = (u) => (u == null ? "" : typeof u === "string" ? u : u.name || u.label || u.id || "");
  const unitId = (u) => (u == null ? "" : typeof u === "string" ? u : u.id || u.name || "");
  const docHref = (doc) => `#/doc/${enc(doc)}`;
  const taskHref = (doc, n) => `#/doc/${enc(doc)}/task/${n}`;
  // an article whose number repeats in a later section (notices restart （一） per section): art/3~1
  const articleHref = (doc, n, occurrence) => `#/doc/${enc(doc)}/art/${n}${occurrence ? `~${occurrence}` : ""}`;
  const unitHref = (id) => `#/unit/${enc(id)}`;
  const graphHref = (node) => `#/graph/${node.split("/").map(enc).join("/")}`;

  function nodeKey(id) {
    // kg nodes are IRIs (https://w3id.org/policykg/id/doc/…/task/37); keep the path after the base.
    return String(id).replace(/^https?:\/\/[^/]+\/policykg\/(?:id\/)?/, "");
  }
  function nodeHref(id, label) {
    const parts = nodeKey(id).split("/").map(decodeURIComponent);
    if (parts[0] === "unit" && parts[1]) return unitHref(parts[1]);
    if (parts[0] === "doc" && parts.length === 2) return docHref(parts[1]);
    if (parts[0] === "doc" && parts[2] === "task") return taskHref(parts[1], parts[3]);
    if (parts[0] === "doc" && parts[2] === "art") return articleHref(parts[1], ...parts[3].split("-"));  // IRI: 3-1
    return `#/search?q=${enc(label || parts[parts.length - 1])}`;
  }
  // Article text with its citations as links: 《title》 to the cited document, each 第X条 to the cited article.
  // Offsets are code points into the document (the API's spans), so the text is sliced as code points too.
  function citedText(text, offset, citations) {
    const chars = Array.from(String(text ?? ""));
    const links = (citations || []).flatMap((c) => c.links || [])
      .filter((l) => l.start >= offset && l.end <= offset + chars.length).sort((a, b) => a.start - b.start);
    let out = "", at = 0;
    for (const l of links) {
      const start = l.start - offset, end = l.end - offset;
      if (start < at) continue;
      const href = l.article != null ? articleHref(l.doc, l.article) : docHref(l.doc);
      out += esc(chars.slice(at, start).join("")) + `<a class="cite" href="${href}">${esc(chars.slice(start, end).join(""))}</a>`;
      at = end;
    }
    return out + esc(chars.slice(at).join(""));
  }
  const bodyStart = (a) => a.span.end - Array.from(String(a.text ?? "")).length;
  function evidenceHref(e) {
    if (!e.doc || e.number == null) return null;
    return e.kind === "task" ? taskHref(e.doc, e.number) : articleHref(e.doc, e.number);
  }
  function showError(error) {
    const hint = error.hint ? `<p class="small">${esc(error.hint)}</p>` : "";
    return `<div class="error" role="alert"><strong>${esc(error.status === 404 ? t("notFound") : t("error"))}</strong>: ${esc(error.message || t("unknownError"))}${hint}</div>`;
  }
  function setTitle(text) { document.title = text ? `${text} · PolicyKG` : "PolicyKG"; }

  /* ---------- views ---------- */
  async function homeView() {
    const [docs, units] = await Promise.all([api("/api/documents"), api("/api/units")]);
    setTitle(t("homeTitle"));
    const examples = EXAMPLES[lang].concat(lang === "en" ? EXAMPLES.zh.slice(0, 2) : EXAMPLES.en.slice(0, 1));
    return `<h1>${esc(t("homeTitle"))}</h1><p>${esc(t("homeIntro"))}</p>
      <div class="examples" aria-label="${esc(t("examples"))}"><span class="muted">${esc(t("examples"))}</span>
        ${examples.map((q) => `<a href="#/search?q=${enc(q)}">${esc(q)}</a>`).join("")}</div>
      <h2>${esc(t("documents"))}</h2>${docList(docs.documents)}
      <p class="muted">${units.units.length} ${esc(t("unitCount"))} · <a href="#/units">${esc(t("navUnits"))}</a> · <a href="#/trace">${esc(t("navTrace"))}</a> · <a href="#/due?by=2019-12-31">${esc(t("navDue"))}</a></p>`;
  }
  function docList(documents) {
    return `<div class="grid-2">${documents.map((d) => `<div class="card"><h3><a href="${docHref(d.id)}">${esc(d.title)}</a></h3>
      <p class="small muted">${[d.status, d.issuer, d.date, ...(d.doc_numbers || [])].filter(Boolean).map(esc).join(" · ")}</p>
      <p class="small">${d.sections} ${esc(t("section"))} · ${d.articles} ${esc(t("articleCount"))} · ${d.tasks} ${esc(t("taskCount"))}
      · <a href="#/trace/${enc(d.id)}">${esc(t("navTrace"))}</a>${(d.revision_of || []).length
        ? ` · <a class="compare-draft" href="#/diff?old=${enc(d.revision_of[0])}&new=${enc(d.id)}">${esc(t("compareDraft"))}</a>` : ""}</p></div>`).join("")}</div>`;
  }
  async function docsView() {
    const docs = await api("/api/documents");
    setTitle(t("documents"));
    return `<h1>${esc(t("documents"))}</h1>${docList(docs.documents)}`;
  }

  function topicWords(answer) {
    const words = [];
    const collect = (value, depth = 0) => {
      if (value == null || depth > 2) return;
      if (typeof value === "string") { if (value.length <= 16 && !/^https?:/.test(value)) words.push(value); return; }
      if (Array.isArray(value)) { value.forEach((v) => collect(v, depth + 1)); return; }
      if (typeof value === "object") {
        for (const key of ["label", "label_en", "pref_zh", "alt_zh"]) collect(value[key], depth + 1);
      }
    };
    collect(answer.topics);
    collect(answer.expanded);
    return words.filter((w) => /[\u4e00-\u9fff]/.test(w) || w.length > 3);
  }
  function topicLabel(answer, id) {
    const topic = (answer.topics || []).find((x) => x.id === id);
    return topic ? (lang === "en" ? topic.label_en || topic.label : topic.label) : id;
  }
  function pathLabel(iri, answer, unitLabel) {
    const parts = nodeKey(iri).split("/");
    if (/\/topic\//.test(iri) && !iri.includes("/id/")) return topicLabel(answer, iri.split("/").pop());
    if (parts[0] === "topic") return topicLabel(answer, parts[1]);
    if (parts[0] === "unit") return unitLabel;
    if (parts[0] === "doc" && parts[2] === "task") return `${t("task")}${parts[3]}`;
    if (parts[0] === "doc" && parts[2] === "art") return `${t("article")}${parts[3]}`;
    return parts[parts.length - 1];
  }
  function lawCite(e) {
    const law = e.law ? e.law.replace(/^中华人民共和国/, "") : "";
    return lang === "en" ? `${law ? law + " " : ""}art. ${e.number}` : `${law ? `《${law}》` : ""}第${e.number}条`;
  }
  function unitCards(answer, units, words, offset) {
    // Units whose strongest evidence is the same passage share one card: the passage is quoted once, the path
    // (article → task) is drawn once, and the units follow with their rank, role and how direct the support is.
    const groups = new Map();
    units.forEach((u, i) => {
      const e = (u.evidence || [])[0];
      const key = e ? `${e.kind}/${e.doc}/${e.number}` : `unit/${u.id}`;
      if (!groups.has(key)) groups.set(key, { evidence: e, units: [] });
      groups.get(key).units.push({ unit: u, rank: offset + i + 1 });
    });
    const regulators = new Map();
    for (const role of answer.statutory || []) {
      for (const local of role.local_units || []) {
        if (!regulators.has(local.id)) regulators.set(local.id, []);
        regulators.get(local.id).push(role);
      }
    }
    return `<div class="grid-2 answer">${[...groups.values()].map((g) => {
      const e = g.evidence;
      const path = e && Array.isArray(e.path) && e.path.length
        ? `<p class="path">${e.path.slice(0, -1).map((p) => esc(pathLabel(p, answer, ""))).join(" → ")} → ${esc(t("units"))}</p>` : "";
      const where = e ? `${kindLabel(e.kind)} ${e.number}` : "";
      const href = e ? evidenceHref(e) : "";
      const quote = e ? `<p class="evidence"><span class="where">${href ? `<a href="${href}">${esc(where)}</a>` : esc(where)}</span>${highlight(e.text, words)}</p>` : "";
      const members = g.units.map(({ unit: u, rank }) => {
        const role = roleKey(u.role);
        const successor = u.successor ? ` <span class="successor">→ ${esc(t("successorNow"))} ${esc(unitName(u.successor))}</span>` : "";
        const laws = (regulators.get(u.id) || []).slice(0, 2).map((r) =>
          `<div class="small">${esc(t("statutoryToo"))} ${pill(roleLabel(r.role), roleKey(r.role))} ${esc(r.name)} · ${(r.evidence || []).slice(0, 1).map((x) => esc(lawCite(x))).join("")}</div>`).join("");
        return `<li class="unit-line"><span class="rank">${esc(t("rank"))}${rank}${lang === "en" ? "" : "名"}</span>
          <a href="${unitHref(u.id || u.name)}">${esc(unitName(u))}</a>${successor} ${u.role ? pill(roleLabel(u.role), role) : ""}
          ${pill(t(`conf_${u.confidence || "related"}`), u.confidence === "direct" ? "direct" : "related")}${laws}</li>`;
      }).join("");
      return `<article class="card unit-card group-card" aria-label="${esc(where)}">${path}${quote}<ul class="unit-lines">${members}</ul></article>`;
    }).join("")}</div>`;
  }
  function answerCards(answer, words) {
    const units = answer.units || [];
    if (!units.length) {
      const nearest = (answer.nearest || []).map((p) => `<li>${pill(kindLabel(p.kind), "kind")} ${esc(p.doc_title || "")} ${p.number ?? ""}<p class="snippet">${esc(p.text || "")}</p></li>`).join("");
      return `<p class="muted">${esc(t("noAnswer"))}</p>${nearest ? `<h3>${esc(t("nearest"))}</h3><ul class="hits nearest">${nearest}</ul>` : ""}`;
    }
    const direct = units.filter((u) => u.confidence === "direct");
    const related = units.filter((u) => u.confidence !== "direct");
    return `${direct.length ? unitCards(answer, direct, words, 0) : ""}
      ${related.length ? `<h3 class="related-heading">${esc(direct.length ? t("relatedApart") : t("relatedOnly"))}</h3>${unitCards(answer, related, words, direct.length)}` : ""}`;
  }
  function statutoryList(answer, words) {
    // Roles a law names for the topic (负责特种设备安全监督管理的部门 …), with the local bodies holding them.
    // Regulators first, then duty holders (使用单位, 生产经营单位 …), each with the clause that assigns the duty
    // and the place whose law or regulation it is.
    if (!answer.statutory?.length) return "";
    const order = (u) => (u.kind === "regulator" ? 0 : u.kind === "duty_holder" ? 1 : 2);
    const byKind = (list) => list.map((u, i) => [u, i]).sort((a, b) => order(a[0]) - order(b[0]) || a[1] - b[1]).map(([u]) => u);
    // bodies a clause assigns the asked duty come first, then the roles the laws merely name for the topic
    const assigned = byKind(answer.statutory.filter((u) => u.clause));
    const named = byKind(answer.statutory.filter((u) => !u.clause)).slice(0, Math.max(0, 8 - assigned.length));
    const place = answer.jurisdiction ? `<p class="small asked-place">${esc(t("askedPlace"))}: ${esc(answer.jurisdiction)}</p>` : "";
    const items = [...assigned, ...named].map((u) => {
      const cites = (u.evidence || []).slice(0, 3).map((e) => {
        const href = evidenceHref(e);
        return `<li><span class="where">${href ? `<a href="${href}">${esc(lawCite(e))}</a>` : esc(lawCite(e))}</span>${highlight(e.text, words)}</li>`;
      }).join("");
      const local = (u.local_units || []).map((x) => `<a href="${unitHref(x.id)}">${esc(unitName(x))}</a>`).join("、");
      const kind = u.kind ? pill(t(`kind_${u.kind}`), u.kind === "regulator" ? "regulator" : "holder") : "";
      const where = u.jurisdiction ? ` <span class="jurisdiction">${esc(u.jurisdiction)}</span>` : "";
      return `<li class="statutory-${esc(u.kind || "role")}${u.clause ? " has-clause" : ""}"><strong>${esc(u.name)}</strong> ${kind}${where}${local ? ` <span class="local-units">${esc(t("localUnits"))}: ${local}</span>` : ""}<ul class="evidence">${cites}</ul></li>`;
    }).join("");
    return `<h2>${esc(t("namedInLaws"))}</h2>${place}<ul class="hits statutory">${items}</ul>`;
  }
  function intentView(answer) {
    // A due, unit or trace question gets the view `policykg due/unit/trace` prints, above the units.
    if (answer.due) {
      const rows = answer.due.tasks.map((x) => `<li><a href="${taskHref(x.doc, x.number)}">${esc(t("task"))} ${x.number}</a> ${esc(x.due)} ${pill(t(`status_${x.status}`), x.status)} ${esc((x.units || []).join("、"))}<p class="snippet">${esc(x.text)}</p></li>`).join("");
      const total = answer.due.tasks_total ?? answer.due.tasks.length;  // a large build shows the soonest few
      const query = new URLSearchParams(answer.due.by ? { by: answer.due.by } : {});
      const more = total > answer.due.tasks.length ? `<p class="small muted">${answer.due.tasks.length} / ${total} · <a href="#/due?${query}">${esc(t("navDue"))}</a></p>` : "";
      return `<h2 id="intent">${esc(t("intent_due"))} · ${esc(answer.due.by || "")} (${total})</h2><ol class="hits due-list">${rows}</ol>${more}`;
    }
    if (answer.unit_profile) {
      const p = answer.unit_profile;
      const rows = p.tasks.map((x) => `<li><a href="${taskHref(x.doc, x.number)}">${esc(t("task"))} ${x.number}</a> ${pill(x.role, "kind")} ${esc(x.deadline || "")}<p class="snippet">${esc(x.text)}</p></li>`).join("");
      return `<h2 id="intent">${esc(t("intent_unit"))}: <a href="${unitHref(p.unit.id)}">${esc(unitName(p.unit))}</a> (${p.tasks.length})</h2><ol class="hits unit-tasks">${rows}</ol>`;
    }
    if (answer.trace) {
      const article = answer.asked?.article;
      const docs = answer.trace.documents || [answer.trace];
      const rows = docs.flatMap((d) => d.links.filter((l) => article == null || l.article === article).map((l) => {
        const task = d.tasks.find((x) => x.number === l.task) || { text: "" };
        const from = docs.length > 1 ? ` <span class="small muted">${esc(d.title || d.doc)}</span>` : "";  // whose task 4
        return `<li><a href="${taskHref(d.doc, l.task)}">${esc(t("task"))} ${l.task}</a>${from}<p class="snippet">${esc(task.text)}</p></li>`;
      })).join("");
      const total = answer.trace.documents_total ?? docs.length;  // a large build shows the first few documents
      const more = total > docs.length ? `<p class="small muted">${docs.length} / ${total} · <a href="#/trace">${esc(t("navTrace"))}</a></p>` : "";
      return `<h2 id="intent">${esc(t("intent_trace"))} · ${esc(t("article"))} ${article ?? ""}</h2><ol class="hits trace-list">${rows}</ol>${more}`;
    }
    return "";
  }
  function hitList(result) {
    const basis = result.basis === "meaning" ? `<p class="small muted basis">${esc(t("byMeaning"))}</p>` : "";
    if (!result.hits?.length) return `<p class="muted">${esc(t("noResults"))}${result.suggestions?.length ? ` ${result.suggestions.map((w) => `<a href="#/search?q=${encodeURIComponent(w)}">${esc(w)}</a>`).join("、")}` : ""}</p>`;
    return `${basis}<ol class="hits">${result.hits.map((h) => {
      const href = h.kind === "unit" ? unitHref(h.id || h.title) : h.doc != null && h.number != null ? (h.kind === "task" ? taskHref(h.doc, h.number) : articleHref(h.doc, h.number, h.occurrence)) : h.doc ? docHref(h.doc) : "#";
      const label = h.kind === "task" ? `${t("task")} ${h.number}` : h.label || (h.number != null ? `${kindLabel(h.kind)} ${h.number}` : "");
      const units = (h.units || []).map(unitName).filter(Boolean);
      return `<li>${pill(kindLabel(h.kind), "kind")} <a class="title" href="${href}">${esc(label)} ${esc(h.title && h.title !== String(h.number) ? h.title : "")}</a>
        <span class="small muted">${esc(h.doc_title || "")}</span>
        ${h.matched?.length ? `<span class="small muted matched" title="${esc(t("foundBy"))}: ${esc(h.matched.join(", "))}">${h.matched.map((leg) => esc(t(`leg_${leg}`))).join(" · ")}</span>` : ""}
        <p class="snippet">${safeSnippet(h.snippet || "")}</p>
        ${units.length ? `<div class="small muted">${esc(t("leadUnits"))}: ${units.map(esc).join("、")}</div>` : ""}</li>`;
    }).join("")}</ol>`;
  }
  async function searchView(_m, params) {
    const q = (params.get("q") || "").trim();
    input.value = q;
    if (!q) return homeView();
    setTitle(q);
    const mode = params.get("mode") || (QUESTION.test(q) ? "ask" : "search");
    const searchUrl = `/api/search?q=${enc(q)}&limit=20`;
    if (mode === "ask") {
      const [answer, result] = await Promise.all([api(`/api/ask?q=${enc(q)}`), api(searchUrl).catch(() => ({ hits: [], expanded: [] }))]);
      const topics = (answer.topics || []).map((x) => (lang === "en" ? x.label_en || x.label : x.label)).filter(Boolean);
      const words = topicWords({ topics: answer.topics, expanded: result.expanded });
      return `<h1>${esc(q)}</h1>
        ${topics.length ? `<p class="small muted">${esc(t("topics"))}: ${topics.map((w) => pill(w, "kind")).join(" ")}</p>` : ""}
        ${intentView(answer)}
        <h2 id="answer">${esc(t("responsibleUnits"))}</h2>${answerCards(answer, words)}
        ${statutoryList(answer, words)}
        <h2>${esc(t("related"))}</h2>${hitList({ hits: (result.hits || []).slice(0, 8) })}
        <p class="small"><a href="#/search?q=${enc(q)}&mode=search">${esc(t("searchInstead"))}</a></p>`;
    }
    const result = await api(searchUrl);
    const expanded = (result.expanded || []).filter((w) => w && w !== q);
    return `<h1>${esc(q)}</h1>
      <p class="small muted">${result.hits.length} ${esc(t("hits"))}${expanded.length ? " · " + expanded.slice(0, 10).map((w) => pill(typeof w === "string" ? w : w.label || JSON.stringify(w))).join(" ") : ""}
      · <a href="#/search?q=${enc(q)}&mode=ask">${esc(t("askInstead"))}</a></p>
      <h2 class="visually-hidden">${esc(t("results"))}</h2>${hitList(result)}`;
  }

  function taskChip(task, doc) {
    const text = task.text.length > 46 ? task.text.slice(0, 46) + "…" : task.text;
    return `<a class="task-chip" href="${taskHref(doc, task.number)}"><strong>${esc(t("task"))} ${esc(task.label || task.number)}</strong>
      <span class="muted">· ${esc(deadlineText(task.deadline))}</span><br>${esc(text)}</a>`;
  }
  async function docView(m) {
    const doc = await api(`/api/documents/${enc(m[1])}`);
    setTitle(doc.title);
    const tasks = new Map(doc.task_list.map((task) => [task.number, task]));
    // An attachment (附件N) restarts at 一、: its heading goes before its first section, ids carry the part.
    const parts = new Map((doc.parts || []).map((p) => [p.number, p]));
    const secId = (s) => (s.part ? `part-${s.part}-sec-${s.number}` : `sec-${s.number}`);
    const outline = doc.outline.map((s, i) => `${s.part && (i === 0 || doc.outline[i - 1].part !== s.part) && parts.has(s.part)
      ? `<h2 class="attachment" id="part-${s.part}">${esc(parts.get(s.part).label)} ${esc(parts.get(s.part).title)}</h2>` : ""}<section class="sec" aria-labelledby="${secId(s)}">
      <h2 id="${secId(s)}">${esc(s.label)}${esc(s.title)}</h2>
      ${s.articles.map((a) => `<div class="art-row ${a.tasks.length ? "" : "gap"}" id="art-${a.number}${a.occurrence ? `-${a.occurrence}` : ""}">
        <div class="art-text"><h3><a href="${articleHref(doc.id, a.number, a.occurrence)}">${esc(a.label)}${esc(a.title)}</a></h3><p>${citedText(a.text, bodyStart(a), doc.citations)}</p></div>
        <div class="art-tasks" aria-label="${esc(t("tasksBeside"))}">${a.tasks.length ? a.tasks.map((n) => taskChip(tasks.get(n), doc.id)).join("") : `<span class="no-task">${esc(t("noTask"))}</span>`}</div>
      </div>`).join("")}</section>`).join("");
    const cited = (c) => {
      const articles = (c.links || []).filter((l) => l.article != null);
      return articles.length ? articles.map((l) => `<a class="cite" href="${articleHref(l.doc, l.article)}">${esc(l.text)}</a>`).join("、") : esc(c.locator || "");
    };
    const citations = doc.citations.length ? `<h2>${esc(t("citations"))}</h2><ul>${doc.citations.map((c) => `<li>${c.target && c.target !== doc.id ? `<a href="${docHref(c.target)}">${esc(c.text)}</a>` : esc(c.text)}${cited(c)} ${c.doc_number ? `<span class="muted small">${esc(c.doc_number)}</span>` : ""}</li>`).join("")}</ul>` : "";
    return `<p class="crumbs"><a href="#/docs">${esc(t("documents"))}</a></p><h1>${esc(doc.title)}</h1>
      <p class="small muted">${[doc.status, doc.issuer, doc.date, ...doc.doc_numbers].filter(Boolean).map(esc).join(" · ")}
      · ${doc.articles} ${esc(t("articleCount"))} · ${doc.tasks} ${esc(t("taskCount"))}</p>
      <div class="toolbar"><a class="btn" href="#/trace/${enc(doc.id)}">${esc(t("navTrace"))}</a>${exportButtons({ doc: doc.id })}</div>
      ${doc.preamble ? `<h2>${esc(t("preamble"))}</h2><p>${esc(doc.preamble)}</p>` : ""}
      <div class="doc-outline">${outline}</div>${citations}`;
  }
  // The previous and next article or task of a document (a neighbour carries its number, label and, for an
  // article whose number repeats in a later section, its occurrence). Named apart from the list pager below.
  function neighbourPager(item, hrefOf) {
    return `<nav class="pager">${item.previous ? `<a href="${hrefOf(item.previous)}" rel="prev">← ${esc(t("previous"))} ${esc(item.previous.label)}</a>` : "<span></span>"}
      ${item.next ? `<a href="${hrefOf(item.next)}" rel="next">${esc(t("next"))} ${esc(item.next.label)} →</a>` : "<span></span>"}</nav>`;
  }
  async function articleView(m) {
    const a = await api(`/api/documents/${enc(m[1])}/articles/${m[2]}${m[3] ? `?occurrence=${m[3]}` : ""}`);
    setTitle(`${a.label}${a.title}`);
    const obligations = a.obligations.filter((o) => o.bearers.length).map((o) => `<li>${esc(o.text)}
      <span class="small">${o.bearers.map((b) => b.id ? `<a class="unit-chip" href="${unitHref(b.id)}">${esc(b.name)}</a>` : `<span class="unit-chip">${esc(b.printed)}</span>`).join(" ")}</span></li>`).join("");
    return `<p class="crumbs"><a href="${docHref(a.doc)}">${esc(a.doc_title)}</a> › ${esc(a.section.label)}${esc(a.section_title)}</p>
      <h1>${esc(a.label)}${esc(a.title)}</h1>
      <div class="toolbar"><a class="btn" href="${graphHref(`doc/${a.doc}/art/${a.number}${a.occurrence ? `-${a.occurrence}` : ""}`)}">${esc(t("openGraph"))}</a></div>
      <p class="fulltext">${citedText(a.text, bodyStart(a), a.citations)}</p>
      <h2>${esc(t("tasksBeside"))}</h2>
      ${a.tasks.length ? `<div class="grid-2">${a.tasks.map((task) => taskChip(task, a.doc)).join("")}</div>` : `<p class="no-task">${esc(t("noTask"))}</p>`}
      ${obligations ? `<h2>${esc(t("obligations"))}</h2><ul>${obligations}</ul>` : ""}
      ${neighbourPager(a, (nb) => articleHref(a.doc, nb.number, nb.occurrence))}`;
  }
  async function taskView(m) {
    const task = await api(`/api/documents/${enc(m[1])}/tasks/${m[2]}`);
    setTitle(`${t("task")} ${task.label}`);
    const chips = (role) => task.units.filter((u) => u.role === role).map((u) => `<a class="unit-chip ${role}" href="${unitHref(u.id || u.name)}">${esc(u.name)}${u.printed && u.printed !== u.name ? ` <span class="muted small">(${esc(u.printed)})</span>` : ""}${u.successor ? ` <span class="successor">→ ${esc(u.successor)}</span>` : ""}</a>`).join("");
    const lead = chips("lead"), co = chips("cooperating");
    const articles = task.articles.map((link) => `<li><a href="${articleHref(task.doc, link.number)}">${esc(link.label)}${esc(link.title)}</a>
      <span class="small muted">${esc(t("score"))} ${link.score.toFixed(2)}</span><blockquote class="small">${esc(link.evidence)}</blockquote></li>`).join("");
    return `<p class="crumbs"><a href="${docHref(task.doc)}">${esc(task.doc_title)}</a> › ${esc(t("task"))}</p>
      <h1>${esc(t("task"))} ${esc(task.label)}</h1>
      <div class="toolbar"><a class="btn" href="${graphHref(`doc/${task.doc}/task/${task.number}`)}">${esc(t("openGraph"))}</a>${exportButtons({ doc: task.doc })}</div>
      <p class="fulltext">${esc(task.text)}</p>
      <dl class="facts"><dt>${esc(t("deadline"))}</dt><dd>${esc(task.deadline.text)} ${task.deadline.due ? `<span class="muted small">(${esc(task.deadline.due)})</span>` : ""}</dd>
      ${task.group ? `<dt>${esc(t("group"))}</dt><dd>${esc(task.group)}</dd>` : ""}
      <dt>${esc(t("leadUnits"))}</dt><dd><div class="units-list">${lead || esc(t("none"))}</div></dd>
      ${co ? `<dt>${esc(t("coUnits"))}</dt><dd><div class="units-list">${co}</div></dd>` : ""}</dl>
      <h2>${esc(t("articles"))}</h2>${articles ? `<ul>${articles}</ul>` : `<p class="no-task">${esc(t("none"))}</p>`}
      ${neighbourPager(task, (nb) => taskHref(task.doc, nb.number))}`;
  }
  async function unitsView() {
    const data = await api("/api/units");
    setTitle(t("units"));
    return `<h1>${esc(t("units"))}</h1><table class="data"><thead><tr><th>${esc(t("unit"))}</th><th>${esc(t("kind"))}</th><th>${esc(t("aliases"))}</th>
      <th>${esc(t("successor"))}</th><th>${esc(t("leadCount"))}</th><th>${esc(t("coCount"))}</th></tr></thead><tbody>
      ${data.units.map((u) => `<tr><td><a href="${unitHref(u.id)}">${esc(u.name)}</a></td><td>${esc(u.kind)}</td>
        <td class="small">${u.aliases.filter((a) => a !== u.name).map(esc).join("、")}</td><td>${esc(u.successor || "")}</td>
        <td>${u.lead_tasks || ""}</td><td>${u.cooperating_tasks || ""}</td></tr>`).join("")}</tbody></table>`;
  }
  async function unitView(m) {
    const profile = await api(`/api/units/${enc(m[1])}`);
    const unit = profile.unit || {};
    const name = unitName(unit) || m[1];
    setTitle(name);
    const dueOf = (task) => task.due || deadlineDue(task.deadline);
    const tasks = [...(profile.tasks || [])].sort((a, b) => String(dueOf(a) || "9999").localeCompare(String(dueOf(b) || "9999")) || a.number - b.number);
    const rows = tasks.map((task) => `<tr><td>${esc(deadlineText(task.deadline))} <span class="muted small">${esc(dueOf(task) && dueOf(task) !== deadlineText(task.deadline) ? dueOf(task) : "")}</span></td>
      <td><a href="${taskHref(task.doc, task.number)}">${esc(t("task"))} ${esc(task.number)}</a></td><td>${pill(roleLabel(task.role), roleKey(task.role))}</td>
      <td class="small">${esc(task.text || "")} ${(task.articles || []).map((a) => `<a class="small" href="${articleHref(task.doc, a.number ?? a)}">${esc(a.label || a.number || a)}</a>`).join(" ")}</td></tr>`).join("");
    const obligations = (profile.obligations || []).slice(0, 30).map((o) => `<li class="small">${o.doc && o.article != null ? `<a href="${articleHref(o.doc, o.article)}">${esc(t("article"))} ${esc(o.article)}</a> ` : ""}${esc(o.text)}</li>`).join("");
    const co = (profile.co_units || profile.co_responsible || []).map((u) => `<a class="unit-chip" href="${unitHref(unitId(u))}">${esc(unitName(u))}${u.shared_tasks ? ` <span class="muted small">×${Array.isArray(u.shared_tasks) ? u.shared_tasks.length : u.shared_tasks}</span>` : ""}</a>`).join("");
    const aliases = (unit.aliases || []).filter((a) => a !== name);
    return `<p class="crumbs"><a href="#/units">${esc(t("units"))}</a></p><h1>${esc(name)}</h1>
      <p>${unit.kind ? pill(unit.kind, "kind") : ""} ${aliases.length ? `<span class="small muted">${esc(t("aliases"))}: ${aliases.map(esc).join("、")}</span>` : ""}
      ${unit.successor ? `<span class="successor">→ ${esc(t("successorNow"))} ${esc(unitName(unit.successor))}</span>` : ""}</p>
      <div class="toolbar"><a class="btn" href="${graphHref(`unit/${unit.id || m[1]}`)}">${esc(t("openGraph"))}</a>
        <a class="btn" href="#/due?unit=${enc(name)}">${esc(t("navDue"))}</a>${exportButtons({ unit: name })}</div>
      <h2>${esc(t("tasksByDeadline"))} <span class="muted small">(${tasks.length})</span></h2>
      <table class="data"><thead><tr><th>${esc(t("deadline"))}</th><th>${esc(t("task"))}</th><th>${esc(t("role"))}</th><th>${esc(t("text"))}</th></tr></thead><tbody>${rows}</tbody></table>
      ${co ? `<h2>${esc(t("coResponsible"))}</h2><div class="units-list">${co}</div>` : ""}
      ${obligations ? `<h2>${esc(t("obligations"))} <span class="muted small">(${profile.obligations.length})</span></h2><ul>${obligations}</ul>` : ""}`;
  }

  /* Traceability: tolerate both one document and {documents:[…]}; cells from matrix rows or task→articles lists. */
  function traceCells(doc) {
    const cells = new Map();
    const put = (task, article, score) => cells.set(`${task}:${article}`, score ?? 1);
    for (const link of doc.links || []) put(link.task, link.article, link.score);
    if (cells.size === 0 && doc.matrix && !Array.isArray(doc.matrix)) {
      for (const [article, row] of Object.entries(doc.matrix)) for (const [task, score] of Object.entries(row || {})) put(task, article, score);
    }
    if (cells.size === 0 && Array.isArray(doc.matrix)) {
      for (const row of doc.matrix) {
        if (row && typeof row === "object" && !Array.isArray(row)) {
          if (row.task != null && row.article != null) put(row.task, row.article, row.score);
          else if (row.article != null && Array.isArray(row.tasks)) row.tasks.forEach((task) => put(typeof task === "object" ? task.number ?? task.task : task, row.article, task.score));
          else if (row.task != null && Array.isArray(row.articles)) row.articles.forEach((art) => put(row.task, typeof art === "object" ? art.number ?? art.article : art, art.score));
        }
      }
    }
    return cells;
  }
  // Pages of a long list (a large build has thousands of matrices or due tasks): where this page starts, what
  // it shows of how many, and the link to a page starting elsewhere.
  const pageStart = (params) => Math.max(0, parseInt(params.get("from") || "0", 10) || 0);
  function pager(from, shown, total, size, hrefFrom) {
    if (total <= shown && from === 0) return "";
    return `<nav class="pager">${from > 0 ? `<a href="${hrefFrom(Math.max(0, from - size))}" rel="prev">← ${esc(t("previous"))}</a>` : "<span></span>"}
      <span class="muted">${shown ? `${from + 1}–${from + shown}` : 0} / ${total}</span>
      ${from + shown < total ? `<a href="${hrefFrom(from + size)}" rel="next">${esc(t("next"))} →</a>` : "<span></span>"}</nav>`;
  }
  const TRACE_PAGE = 20;  // matrices a page of the traceability view shows
  async function traceView(m, params) {
    const from = pageStart(params);
    const data = await api(m[1] ? `/api/trace?doc=${enc(m[1])}` : `/api/trace?limit=${TRACE_PAGE}&offset=${from}`);
    const docs = data.documents || [data];
    const pages = m[1] ? "" : pager(from, docs.length, data.documents_total ?? docs.length, TRACE_PAGE, (start) => `#/trace?from=${start}`);
    setTitle(t("trace"));
    const blocks = docs.map((doc) => {
      const cells = traceCells(doc);
      const articles = doc.articles || [];
      const tasks = doc.tasks || [];
      const noTask = new Set(doc.articles_without_tasks || []);
      const noArticle = new Set(doc.tasks_without_articles || []);
      const noUnit = new Set(doc.tasks_without_units || []);
      const docId = doc.doc || doc.id;
      const artNum = (a) => (typeof a === "object" ? a.number : a);
      const taskNum = (x) => (typeof x === "object" ? x.number : x);
      const head = tasks.map((x) => `<th scope="col" class="${noArticle.has(taskNum(x)) || noUnit.has(taskNum(x)) ? "gap" : ""}"><a href="${taskHref(docId, taskNum(x))}" title="${esc(t("task"))} ${esc(taskNum(x))}">${esc(taskNum(x))}</a></th>`).join("");
      const body = articles.map((a) => {
        const n = artNum(a);
        const row = tasks.map((x) => {
          const score = cells.get(`${taskNum(x)}:${n}`);
          return score == null ? "<td></td>" : `<td class="hit ${score < 0.5 ? "weak" : ""}"><a href="${taskHref(docId, taskNum(x))}" title="${esc(t("task"))} ${esc(taskNum(x))} × ${esc(a.label || n)}: ${Number(score).toFixed(2)}">●</a></td>`;
        }).join("");
        return `<tr><th scope="row" class="row ${noTask.has(n) ? "gap" : ""}"><a href="${articleHref(docId, n)}">${esc(a.label || n)} ${esc((a.title || "").slice(0, 10))}</a></th>${row}</tr>`;
      }).join("");
      const list = (items, href) => (items.length ? items.map((n) => `<a href="${href(n)}">${esc(n)}</a>`).join("、") : esc(t("none")));
      const coverage = doc.scores?.coverage ?? doc.coverage;
      return `<h2>${esc(doc.title || docId)}</h2>
        ${coverage != null ? `<p class="small">${esc(t("coverage"))}: ${(Number(coverage) * (coverage <= 1 ? 100 : 1)).toFixed(0)}%</p>` : ""}
        <div class="gaps">
          <div class="card"><h3>${esc(t("articlesWithoutTasks"))} (${noTask.size})</h3><p>${list([...noTask], (n) => articleHref(docId, n))}</p></div>
          <div class="card"><h3>${esc(t("tasksWithoutArticles"))} (${noArticle.size})</h3><p>${list([...noArticle], (n) => taskHref(docId, n))}</p></div>
          <div class="card"><h3>${esc(t("tasksWithoutUnits"))} (${noUnit.size})</h3><p>${list([...noUnit], (n) => taskHref(docId, n))}</p></div>
        </div>
        <div class="legend"><span class="l-hit">${esc(t("legendHit"))}</span><span class="l-weak">${esc(t("legendWeak"))}</span><span class="l-gap">${esc(t("legendGap"))}</span></div>
        <div class="matrix-wrap" tabindex="0" aria-label="${esc(t("trace"))}"><table class="matrix"><thead><tr><th class="row">${esc(t("article"))} \\ ${esc(t("task"))}</th>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
    }).join("");
    return `<h1>${esc(t("trace"))}</h1><p class="muted">${esc(t("traceIntro"))}</p>${pages}${blocks}${pages}`;
  }
  const DUE_PAGE = 200;  // tasks a page of the due view shows
  async function dueView(_m, params) {
    const by = params.get("by") || "";
    const unit = params.get("unit") || "";
    const asOf = params.get("as_of") || "";
    const query = new URLSearchParams();
    if (by) query.set("by", by);
    if (unit) query.set("unit", unit);
    if (asOf) query.set("as_of", asOf);
    const from = pageStart(params);
    const pageHref = (start) => { const page = new URLSearchParams(query); page.set("from", start); return `#/due?${page}`; };
    const [data, units] = await Promise.all([api(`/api/due?${query}&limit=${DUE_PAGE}&offset=${from}`), api("/api/units")]);
    const total = data.tasks_total ?? data.tasks.length;
    const pages = pager(from, data.tasks.length, total, DUE_PAGE, pageHref);
    const several = new Set(data.tasks.map((task) => task.doc)).size > 1;  // name each task's document then
    setTitle(t("due"));
    const rows = data.tasks.map((task) => `<tr><td>${esc(task.due || deadlineDue(task.deadline) || "")} <span class="muted small">${esc(deadlineText(task.deadline))}</span></td>
      <td><a href="${taskHref(task.doc, task.number)}">${esc(t("task"))} ${esc(task.number)}</a>${several && task.doc_title ? `<br><span class="small muted">${esc(task.doc_title)}</span>` : ""}</td>
      <td>${task.status ? pill(t(`status_${task.status}`), task.status) : ""}</td><td class="small">${esc(task.text || "")}</td>
      <td class="small">${(task.units || []).map(unitName).map(esc).join("、")}</td></tr>`).join("");
    return `<h1>${esc(t("due"))}</h1>
      <form class="toolbar" id="due-form"><label>${esc(t("dueBy"))} <input type="date" name="by" value="${esc(by)}"></label>
        <label>${esc(t("unit"))} <input name="unit" list="unit-names" value="${esc(unit)}" placeholder="${esc(t("allUnits"))}"></label>
        <datalist id="unit-names">${units.units.map((u) => `<option value="${esc(u.name)}">`).join("")}</datalist>
        <label>${esc(t("asOf"))} <input type="date" name="as_of" value="${esc(asOf)}"></label>
        <button class="btn" type="submit">${esc(t("show"))}</button></form>
      <p class="small muted">${total} ${esc(t("taskCount"))}</p>${pages}
      ${data.tasks.length ? `<table class="data"><thead><tr><th>${esc(t("deadline"))}</th><th>${esc(t("task"))}</th><th>${esc(t("status"))}</th><th>${esc(t("text"))}</th><th>${esc(t("leadUnits"))}</th></tr></thead><tbody>${rows}</tbody></table>` : `<p class="muted">${esc(t("noDue"))}</p>`}`;
  }

  /* ---------- versions: what changed from a draft to its final ---------- */
  // A character diff: deleted text struck through, inserted text underlined, long unchanged runs cut to their ends.
  function diffOps(ops, context = 60) {
    return (ops || []).map((op, i) => {
      if (op.op === "equal") {
        const head = i === 0 ? 0 : context, tail = i === ops.length - 1 ? 0 : context;
        if (op.text.length <= head + tail + 1) return esc(op.text);
        return esc(op.text.slice(0, head)) + `<span class="muted">…</span>` + esc(tail ? op.text.slice(-tail) : "");
      }
      return (op.old ? `<del>${esc(op.old)}</del>` : "") + (op.new ? `<ins>${esc(op.new)}</ins>` : "");
    }).join("");
  }
  const CHANGE_KINDS = ["added", "removed", "changed", "moved", "renumbered", "unchanged"];
  function diffKind(data, kind, label) {
    const changes = data[kind], counts = data.summary[kind];
    const name = (item) => (kind === "tasks" ? `${t("task")} ${item.label}` : `${item.label}${item.title ? ` ${item.title}` : ""}`);
    const href = (doc, item) => (kind === "sections" ? docHref(doc) : kind === "tasks" ? taskHref(doc, item.number) : articleHref(doc, item.number));
    const link = (doc, item) => `<a href="${href(doc, item)}">${esc(name(item))}</a>`;
    const mark = (what) => pill(t(`ch_${what}`), `ch-${what}`);
    const units = (list, tag) => list.map((u) => `<${tag}>${esc(u)}</${tag}>`).join(" ");
    const rows = [
      ...changes.added.map((item) => `<li class="ch-added">${mark("added")} ${link(data.new.id, item)}${item.text ? `<p class="snippet diff"><ins>${esc(item.text)}</ins></p>` : ""}</li>`),
      ...changes.removed.map((item) => `<li class="ch-removed">${mark("removed")} ${link(data.old.id, item)}${item.text ? `<p class="snippet diff"><del>${esc(item.text)}</del></p>` : ""}</li>`),
      ...changes.changed.map((change) => {
        const found = change.changes || {};
        const lines = [];
        if (found.title) lines.push(`<p class="snippet diff"><span class="muted small">${esc(t("titleField"))}</span> ${diffOps(found.title)}</p>`);
        if (found.text) lines.push(`<p class="snippet diff">${diffOps(found.text)}</p>`);
        for (const [key, labelKey] of [["units", "leadUnits"], ["co_units", "coUnits"]]) {
          if (found[key]) lines.push(`<p class="small">${esc(t(labelKey))}: ${units(found[key].removed, "del")} ${units(found[key].added, "ins")}</p>`);
        }
        if (found.deadline) lines.push(`<p class="small">${esc(t("deadline"))}: <del>${esc(found.deadline.old)}</del> → <ins>${esc(found.deadline.new)}</ins></p>`);
        const where = change.old.label !== change.new.label ? ` → ${link(data.new.id, change.new)}` : "";
        return `<li class="ch-changed">${mark("changed")} ${link(data.old.id, change.old)}${where}${change.moved ? ` ${mark("moved")}` : ""}
          <span class="muted small">${esc(t("similarity"))} ${Number(change.similarity).toFixed(2)}</span>${lines.join("")}</li>`;
      }),
      ...changes.moved.map((change) => `<li class="ch-moved">${mark("moved")} ${link(data.old.id, change.old)} → ${link(data.new.id, change.new)}</li>`),
    ];
    if (changes.renumbered.length) {
      rows.push(`<li class="ch-renumbered">${mark("renumbered")} <span class="small">${changes.renumbered.map((c) => `${esc(c.old.label)}→${esc(c.new.label)}`).join(" ")}</span></li>`);
    }
    const summary = CHANGE_KINDS.filter((k) => counts[k]).map((k) => `${esc(t(`ch_${k}`))} ${counts[k]}`).join(" · ");
    return `<h2>${esc(label)}</h2><p class="small muted">${summary}</p>${rows.length ? `<ul class="hits diff-list">${rows.join("")}</ul>` : ""}`;
  }
  async function diffView(_m, params) {
    const docs = (await api("/api/documents")).documents;
    setTitle(t("diff"));
    let oldId = params.get("old") || "", newId = params.get("new") || "";
    if (!oldId && !newId) {  // a final and its draft, when the build has one
      const final = docs.find((d) => (d.revision_of || []).length);
      if (final) { newId = final.id; oldId = final.revision_of[0]; }
    }
    const options = (selected) => docs.map((d) => `<option value="${esc(d.id)}"${d.id === selected ? " selected" : ""}>${esc(d.title)}${d.status ? `（${esc(d.status)}）` : ""}</option>`).join("");
    const head = `<h1>${esc(t("diff"))}</h1><p class="muted">${esc(t("diffIntro"))}</p>
      <form class="toolbar" id="diff-form"><label>${esc(t("diffOld"))} <select name="old">${options(oldId)}</select></label>
        <label>${esc(t("diffNew"))} <select name="new">${options(newId)}</select></label>
        <button class="btn" type="submit">${esc(t("compare"))}</button></form>`;
    if (!oldId || !newId) return head;
    let data;
    try {
      data = await api(`/api/diff?old=${enc(oldId)}&new=${enc(newId)}`);
    } catch (error) {
      return head + showError(error);
    }
    const side = (d) => `<a href="${docHref(d.id)}">${esc(d.title)}</a>${d.status ? `（${esc(d.status)}）` : ""}`;
    const FIELDS = { title: "titleField", status: "status", issuer: "issuer", date: "date", doc_numbers: "docNumbers" };
    const metadata = Object.entries(data.metadata || {}).map(([key, v]) => {
      const show = (x, tag) => (x == null || (Array.isArray(x) && !x.length) ? "—" : `<${tag}>${esc(Array.isArray(x) ? x.join("、") : x)}</${tag}>`);
      return `<li>${esc(FIELDS[key] ? t(FIELDS[key]) : key)}: ${show(v.old, "del")} → ${show(v.new, "ins")}</li>`;
    }).join("");
    const unitList = (list, tag) => (list.length ? list.map((u) => `<a class="unit-chip" href="${unitHref(u.id)}"><${tag}>${esc(u.name)}</${tag}></a>`).join("") : `<span class="muted">${esc(t("none"))}</span>`);
    const body = data.summary.identical ? `<p class="muted">${esc(t("noDifference"))}</p>` : `
      ${metadata || data.preamble.length ? `<h2>${esc(t("titleBlock"))}</h2><ul>${metadata}</ul>${data.preamble.length ? `<p class="snippet diff"><span class="muted small">${esc(t("preamble"))}</span> ${diffOps(data.preamble)}</p>` : ""}` : ""}
      ${diffKind(data, "sections", t("diffSections"))}${diffKind(data, "articles", t("diffArticles"))}${diffKind(data, "tasks", t("diffTasks"))}
      <h2>${esc(t("units"))}</h2><p>${esc(t("unitsAppeared"))}:</p><div class="units-list">${unitList(data.units.appeared, "ins")}</div>
      <p>${esc(t("unitsVanished"))}:</p><div class="units-list">${unitList(data.units.vanished, "del")}</div>`;
    return `${head}<section class="diff-view" aria-label="${esc(t("changesSince"))}"><p>${side(data.old)} → ${side(data.new)}
      ${pill(t(`revision_${data.revision || "none"}`), data.revision ? "kind" : "")}</p>${body}</section>`;
  }

  // One select + one link for the exporters registry (however many formats it holds), cut to the view's filters.
  function exportButtons(filters) {
    const formats = exportFormats || [];
    if (!formats.length) return "";
    const query = new URLSearchParams({ ...filters, download: "true" }).toString();
    const first = formats.find((f) => f.name === "json") || formats[0];
    return `<span class="export" data-query="${esc(query)}"><label>${esc(t("export"))}
      <select class="export-format" aria-label="${esc(t("export"))}">${formats.map((f) => `<option value="${esc(f.name)}" ${f === first ? "selected" : ""}>${esc(f.name.toUpperCase())}</option>`).join("")}</select></label>
      <a class="btn secondary export-link" href="/api/export/${enc(first.name)}?${esc(query)}" download>${esc(t("download"))}</a></span>`;
  }
  let exportFormats = null;

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      if (document.querySelector(`script[src="${src}"]`)) { resolve(); return; }
      const script = document.createElement("script");
      script.src = src; script.onload = resolve; script.onerror = () => reject(new Error(`cannot load ${src}`));
      document.head.appendChild(script);
    });
  }
  const KINDS = { Unit: "unit", UnitGroup: "unit", StatutoryRole: "unit", GenericBody: "unit", Organization: "unit", Task: "task",
    Article: "article", Concept: "topic", Document: "document", Section: "section", Obligation: "obligation", ChangeEvent: "change" };
  const kindOf = (kind) => KINDS[kind] || String(kind || "").toLowerCase();
  const KIND_STYLE = {
    unit: { color: "#0b5cad", shape: "round-rectangle" }, task: { color: "#b35900", shape: "ellipse" },
    article: { color: "#116329", shape: "rectangle" }, topic: { color: "#6f42c1", shape: "diamond" },
    document: { color: "#57606a", shape: "hexagon" }, section: { color: "#8c959f", shape: "hexagon" },
    obligation: { color: "#bf8700", shape: "triangle" }, change: { color: "#cf222e", shape: "star" },
  };
  async function graphView(m, params) {
    const node = m[1] ? m[1].split("/").map(decodeURIComponent).join("/") : "";
    setTitle(t("graph"));
    const picker = `<form class="toolbar" id="graph-form"><label>${esc(t("graphNode"))} <input name="node" size="40" value="${esc(node)}"
      placeholder="unit/区财政局 · doc/…/task/37 · topic/elevator"></label><button class="btn" type="submit">${esc(t("graphGo"))}</button></form>`;
    if (!node) {
      const units = await api("/api/units");
      return `<h1>${esc(t("graph"))}</h1><p class="muted">${esc(t("graphIntro"))}</p>${picker}
        <div class="units-list">${units.units.slice(0, 24).map((u) => `<a class="unit-chip" href="${graphHref(`unit/${u.id}`)}">${esc(u.name)}</a>`).join("")}</div>`;
    }
    const radius = params.get("radius") || "1";
    const [data] = await Promise.all([api(`/api/graph?node=${enc(node)}&radius=${enc(radius)}`), loadScript("/static/vendor/cytoscape/cytoscape.min.js")]);
    data.centerId = [].concat(data.center)[0];
    const center = data.nodes.find((n) => n.id === data.centerId) || data.nodes[0];
    const filters = {};
    const key = nodeKey(data.centerId).split("/");
    if (key[0] === "unit") filters.unit = center?.label || key[1];
    else if (key[0] === "doc") filters.doc = key[1];
    else if (key[0] === "topic") filters.topic = key[1];
    const side = data.nodes.filter((n) => n.id !== data.centerId).sort((a, b) => String(a.kind).localeCompare(String(b.kind)) || String(a.label).localeCompare(String(b.label)))
      .map((n) => `<li><a class="kind-${esc(kindOf(n.kind))}" href="${nodeHref(n.id, n.label)}">${esc(n.label)}</a> <a class="small" href="${graphHref(nodeKey(n.id))}" aria-label="${esc(t("center"))}: ${esc(n.label)}">⊙</a></li>`).join("");
    afterRender = () => drawGraph(data);
    return `<h1>${esc(t("graph"))}: ${esc(center?.label || node)}</h1>${picker}
      <div class="toolbar"><button type="button" class="btn" id="fit">${esc(t("fit"))}</button>
        <button type="button" class="btn secondary" id="png">${esc(t("exportPng"))}</button>
        <button type="button" class="btn secondary" id="json">${esc(t("exportJson"))}</button>${exportButtons(filters)}
        <span class="small muted">${esc(t("graphHelp"))}</span></div>
      <div class="graph-layout"><div id="cy" role="img" aria-label="${esc(t("graph"))}: ${esc(center?.label || node)}"></div>
      <aside class="graph-side"><h2>${esc(t("neighbours"))} (${data.nodes.length - 1})</h2>
        <p><a class="kind-${esc(kindOf(center?.kind))}" href="${nodeHref(data.centerId, center?.label)}">${esc(center?.label)}</a></p><ul>${side}</ul></aside></div>
      <p class="small">${esc(t("radius"))}: ${[1, 2, 3].map((r) => String(r) === radius ? `<strong>${r}</strong>` : `<a href="${graphHref(node)}?radius=${r}">${r}</a>`).join(" · ")}</p>`;
  }
  function drawGraph(data) {
    const container = document.getElementById("cy");
    if (!container || !window.cytoscape) return;
    if (cy) cy.destroy();
    const short = (s) => { s = String(s ?? ""); return s.length > 14 ? s.slice(0, 14) + "…" : s; };
    cy = window.cytoscape({
      container,
      elements: [
        ...data.nodes.map((n) => ({ data: { id: n.id, label: short(n.label), full: n.label, kind: kindOf(n.kind), center: n.id === data.centerId ? 1 : 0 } })),
        ...data.edges.filter((e) => e.source !== e.target).map((e, i) => ({ data: { id: `e${i}`, source: e.source, target: e.target, label: e.role ? roleLabel(e.role) : "", role: e.role || "" } })),
      ],
      style: [
        { selector: "node", style: { label: "data(label)", "font-family": getComputedStyle(document.body).fontFamily, "font-size": 11,
          "text-valign": "bottom", "text-margin-y": 4, "background-color": (el) => (KIND_STYLE[el.data("kind")] || { color: "#999" }).color,
          shape: (el) => (KIND_STYLE[el.data("kind")] || { shape: "ellipse" }).shape, width: 18, height: 18, color: "#1b1f24",
          "text-background-color": "#fff", "text-background-opacity": 0.8, "text-background-padding": 2 } },
        { selector: "node[center = 1]", style: { width: 34, height: 34, "font-size": 14, "font-weight": 700, "border-width": 4, "border-color": "#f0a500" } },
        { selector: "edge", style: { width: 1.6, "line-color": "#a8b3bd", "target-arrow-color": "#a8b3bd", "target-arrow-shape": "triangle",
          "curve-style": "bezier", label: "data(label)", "font-size": 10, color: "#57606a", "text-rotation": "autorotate" } },
        { selector: "edge[role = 'lead']", style: { "line-color": "#0b5cad", "target-arrow-color": "#0b5cad", width: 2.4 } },
        { selector: "edge[role = 'cooperating']", style: { "line-style": "dashed", "line-color": "#6f42c1", "target-arrow-color": "#6f42c1" } },
        { selector: "node:selected", style: { "border-width": 4, "border-color": "#f0a500" } },
      ],
      maxZoom: 2.5,
      minZoom: 0.1,
      layout: { name: data.nodes.length > 60 ? "concentric" : "cose", animate: false, padding: 24, nodeRepulsion: () => 9000,
        concentric: (n) => (n.data("center") ? 10 : n.degree()), levelWidth: () => 2 },
    });
    cy.on("tap", "node", (event) => { const n = event.target; location.hash = nodeHref(n.id(), n.data("full")); });
    document.getElementById("fit")?.addEventListener("click", () => cy.fit(undefined, 24));
    document.getElementById("png")?.addEventListener("click", () => download(cy.png({ full: true, scale: 2, bg: "#ffffff" }), "policykg-graph.png"));
    document.getElementById("json")?.addEventListener("click", () => {
      const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
      download(URL.createObjectURL(blob), "policykg-graph.json");
    });
  }
  function download(href, name) {
    const a = document.createElement("a");
    a.href = href; a.download = name; document.body.appendChild(a); a.click(); a.remove();
  }

  /* ---------- router ---------- */
  const ROUTES = [
    [/^\/?$/, homeView], [/^\/search$/, searchView], [/^\/docs$/, docsView],
    [/^\/doc\/([^/]+)$/, docView], [/^\/doc\/([^/]+)\/art\/(\d+)(?:~(\d+))?$/, articleView], [/^\/doc\/([^/]+)\/task\/(\d+)$/, taskView],
    [/^\/units$/, unitsView], [/^\/unit\/(.+)$/, unitView], [/^\/trace(?:\/([^/]+))?$/, traceView], [/^\/due$/, dueView],
    [/^\/diff$/, diffView],
    [/^\/graph(?:\/(.+))?$/, graphView],
  ];
  let renderCount = 0;
  let afterRender = null;
  async function render({ focus = true } = {}) {
    const hash = location.hash.replace(/^#/, "") || "/";
    const [path, query = ""] = hash.split("?");
    const params = new URLSearchParams(query);
    const decoded = path.split("/").map((p) => { try { return decodeURIComponent(p); } catch (_) { return p; } }).join("/");
    const route = ROUTES.find(([pattern]) => pattern.test(decoded));
    const mine = ++renderCount;
    afterRender = null;
    document.querySelectorAll('.views a[href^="#"]').forEach((a) => {
      const target = a.getAttribute("href").replace(/^#/, "");
      a.classList.toggle("active", target !== "/docs" ? decoded.startsWith(target.split("?")[0]) : decoded.startsWith("/doc"));
    });
    if (!route) { main.innerHTML = showError({ status: 404, message: hash }); return; }
    if (route[1] !== searchView) input.value = "";
    main.setAttribute("aria-busy", "true");
    const slow = setTimeout(() => { if (mine === renderCount) main.innerHTML = `<p class="loading">${esc(t("loading"))}</p>`; }, 150);
    let html;
    try {
      if (exportFormats === null) exportFormats = (await api("/api/export").catch(() => ({ formats: [] }))).formats;
      html = await route[1](decoded.match(route[0]), params);
    } catch (error) {
      html = showError(error);
    }
    clearTimeout(slow);
    if (mine !== renderCount) return;
    if (cy && !decoded.startsWith("/graph/")) { cy.destroy(); cy = null; }
    main.innerHTML = html;
    main.removeAttribute("aria-busy");
    const after = afterRender;
    afterRender = null;
    if (after) after();
    if (focus && document.activeElement !== input) main.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }

  function applyLanguage() {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
    document.querySelectorAll("[data-i18n-placeholder]").forEach((el) => { el.placeholder = t(el.dataset.i18nPlaceholder); });
    document.querySelectorAll("[data-i18n-title]").forEach((el) => { el.title = t(el.dataset.i18nTitle); });
    document.querySelectorAll("[data-i18n-aria]").forEach((el) => el.setAttribute("aria-label", t(el.dataset.i18nAria)));
    const button = document.getElementById("lang");
    button.textContent = t("langButton");
    button.setAttribute("aria-label", t("langAria"));
  }

  async function footer() {
    try {
      const health = await api("/healthz", { fresh: true });
      const c = health.manifest.counts || {};
      document.getElementById("build-info").textContent =
        `${t("builtAt")} ${health.manifest.built_at || ""} · ${c.documents ?? "?"} ${t("docCount")} · ${c.articles ?? "?"} ${t("articleCount")} · ${c.tasks ?? "?"} ${t("taskCount")} · ${c.units ?? "?"} ${t("unitCount")}`;
      return health.build;
    } catch (_) { return null; }
  }

  document.getElementById("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const q = input.value.trim();
    if (!q) return;
    const target = `#/search?q=${enc(q)}`;
    if (location.hash === target) render(); else location.hash = target;
    input.blur();
  });
  document.getElementById("lang").addEventListener("click", () => {
    lang = lang === "zh" ? "en" : "zh";
    localStorage.setItem("policykg.lang", lang);
    applyLanguage();
    footer();
    render({ focus: false });
  });
  main.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.id === "due-form") {
      event.preventDefault();
      const data = new URLSearchParams();
      for (const [k, v] of new FormData(form)) if (v) data.set(k, v);
      location.hash = `#/due?${data}`;
    } else if (form.id === "diff-form") {
      event.preventDefault();
      const data = new FormData(form);
      location.hash = `#/diff?old=${enc(data.get("old"))}&new=${enc(data.get("new"))}`;
    } else if (form.id === "graph-form") {
      event.preventDefault();
      const node = new FormData(form).get("node").trim();
      if (node) location.hash = graphHref(node.includes("/") ? node : `unit/${node}`);
    }
  });
  document.addEventListener("keydown", (event) => {
    const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement?.tagName || "");
    if (event.key === "/" && !typing) { event.preventDefault(); input.focus(); input.select(); }
    if (event.key === "Escape" && document.activeElement === input) input.blur();
  });
  window.addEventListener("hashchange", () => render());
  main.addEventListener("change", (event) => {
    const select = event.target.closest(".export-format");
    if (!select) return;
    const box = select.closest(".export");
    box.querySelector(".export-link").href = `/api/export/${enc(select.value)}?${box.dataset.query}`;
  });

  // A rebuild swaps the build under the server: drop cached answers when the served build changes.
  let servedBuild = null;
  setInterval(async () => {
    const build = await footer();
    if (build && servedBuild && build !== servedBuild) { cache.clear(); render({ focus: false }); }
    servedBuild = build || servedBuild;
  }, 30000);

  applyLanguage();
  render({ focus: false });
  footer().then((build) => { servedBuild = build; });
})();
