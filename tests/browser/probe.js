// What the offline tests measure in a page, once MathJax (if it loaded) has typeset it.
// Evaluated by tests/browser/devtools.py; the value is a promise of plain JSON.
(async () => {
  const MJ = window.MathJax;
  if (MJ && MJ.startup && MJ.startup.promise) await MJ.startup.promise;
  if (document.fonts) await document.fonts.ready;
  // two frames: the layout after the last typeset and font swap is the one measured
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));

  const SLACK = 0.5; // px: rounding of sub-pixel layout, not an overlap
  const rect = (r) => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom});
  const empty = (r) => r.right - r.left < 1 || r.bottom - r.top < 1;
  const union = (rects) => rects.filter((r) => !empty(r)).reduce((a, r) => a === null ? rect(r)
    : {left: Math.min(a.left, r.left), top: Math.min(a.top, r.top),
       right: Math.max(a.right, r.right), bottom: Math.max(a.bottom, r.bottom)}, null);
  const meet = (a, b) => a && b && Math.min(a.right, b.right) - Math.max(a.left, b.left) > SLACK
    && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > SLACK;
  const name = (el) => el.tagName.toLowerCase() + (el.className && typeof el.className === "string"
    ? "." + el.className.trim().split(/\s+/).join(".") : "");

  // Where a formula's marks are: the typeset container and everything in it but the
  // hidden copy for screen readers; or, untypeset, its raw TeX text.
  function ink(math) {
    const container = math.querySelector("mjx-container");
    if (container) {
      const parts = [container, ...container.querySelectorAll("*")]
        .filter((el) => !el.closest("mjx-assistive-mml"))
        .map((el) => el.getBoundingClientRect());
      return union(parts);
    }
    const range = document.createRange();
    range.selectNodeContents(math);
    return union([...range.getClientRects()]);
  }

  // Can every part of ``r`` (drawn in ``el``) be seen, by scrolling inside its boxes at
  // most? A box that hides overflow cuts off what lies outside it; a box that scrolls
  // shows it (horizontally: vertical scrolling inside a formula's box is a defect too).
  function cut(el, r) {
    for (let box = el; box && box !== document.body; box = box.parentElement) {
      const style = getComputedStyle(box);
      const edge = box.getBoundingClientRect();
      const scrollsX = ["auto", "scroll"].includes(style.overflowX);
      const hidesX = ["hidden", "clip"].includes(style.overflowX);
      const hidesY = ["hidden", "clip"].includes(style.overflowY);
      if (["auto", "scroll"].includes(style.overflowY) && box.scrollHeight > box.clientHeight + 1)
        return `${name(box)} scrolls vertically (${box.scrollHeight} > ${box.clientHeight})`;
      if (hidesY && (r.top < edge.top - SLACK || r.bottom > edge.bottom + SLACK))
        return `${name(box)} cuts it vertically`;
      if (scrollsX) return null;
      if (hidesX && (r.left < edge.left - SLACK || r.right > edge.right + SLACK))
        return `${name(box)} cuts it horizontally`;
    }
    if (r.left < -SLACK || r.right > window.innerWidth + SLACK) return "off the page";
    return null;
  }

  const maths = [...document.querySelectorAll(".math")];
  const formulas = maths.map((math) => {
    const marks = ink(math);
    return {
      display: math.tagName === "DIV",
      vcr: !!math.closest(".vcr"),
      // wider than its box, so shown by scrolling inside the box
      wide: math.scrollWidth > math.clientWidth + 1,
      typeset: !!math.querySelector("mjx-container"),
      box: rect(math.getBoundingClientRect()),
      ink: marks,
      cut: marks ? cut(math, marks) : null,
      text: math.textContent.slice(0, 80),
    };
  });

  const others = [...document.querySelectorAll(
    ".math, p, pre, table, img, svg, h1, h2, h3, h4, h5, h6, dl, blockquote, li, div.admonition")];
  const badges = [...document.querySelectorAll(".vcr-badge")];
  // the words of a directive (badge, failure box, a mistake box's title) over nothing
  const words = [...document.querySelectorAll(".vcr p")];
  const overlaps = [];
  for (const badge of words) {
    const mine = rect(badge.getBoundingClientRect());
    for (const other of others) {
      if (other === badge || other.contains(badge) || badge.contains(other)) continue;
      if (other.closest("mjx-container")) continue;
      const theirs = [rect(other.getBoundingClientRect())];
      if (other.classList.contains("math")) theirs.push(ink(other));
      if (theirs.some((r) => !empty(r) && meet(mine, r)))
        overlaps.push({badge: badge.textContent.slice(0, 60), other: name(other),
                       text: other.textContent.slice(0, 60), badgeBox: mine, otherBox: theirs[0]});
    }
  }

  // TeX left as text: delimiters or macros outside code and typeset math.
  const raw = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest("script, style, pre, code, kbd, samp, textarea, mjx-container"))
      continue;
    const found = node.data.match(/\\(?:[()[\]]|[A-Za-z]{2,})/);
    if (found) raw.push(node.data.trim().slice(0, 80));
  }

  return {
    mathjax: MJ && MJ.version ? MJ.version : null,
    formulas,
    badges: badges.length,
    overlaps,
    raw,
    errors: document.querySelectorAll("mjx-merror, [data-mjx-error]").length
      + [...document.querySelectorAll("mjx-mtext")]
        .filter((el) => (el.getAttribute("style") || "").includes("color: red")).length,
    // \cancel: a box struck through (MathJax 3 and 4 draw the stroke as a child)
    struck: [...document.querySelectorAll("mjx-menclose")]
      .filter((el) => el.querySelector(":scope > mjx-ustrike, :scope > mjx-dstrike")).length,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
  };
})()
