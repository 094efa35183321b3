//! The HTML pages in a real browser: headless Chromium lays out the payee, team and doc pages
//! of the seed plan's example run at a phone's width (390 px), a desktop's (1280 px) and
//! A4's printable width, and a small script in the test's copy of each page measures them.
//!
//! Headless Chromium will not make a window narrower than 500 px, so each page is laid out
//! in an iframe of the width wanted (its own viewport: `innerWidth`, media queries and
//! `document.scrollingElement` are the iframe's). The page is given as the iframe's `srcdoc`,
//! which shares the wrapper's origin, so the script writes its measurements into the wrapper,
//! and `--dump-dom` prints them. Print is laid out the same way at the width between the
//! margins of the page's own `@page{size:A4;margin:..mm}`, with its `@media print` rules
//! made to apply.
//!
//! Chromium is installed by `tests/run.sh`; without it this test fails and says so.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::run;

const SEED: &str = "policies/telecom-account-manager.policy";

/// Measures the page it is put into and appends the figures to the wrapper page as JSON in a
/// `<pre class="measure">`. A money cell is a table cell of class `n` (figures) or a summary
/// card's figure; it is visible when it has a size and lies inside the viewport and inside
/// every ancestor that clips (a scrolling box hides what is outside it).
const MEASURE: &str = r#"<script>(function () {
  var iw = window.innerWidth, bad = [], count = 0;
  document.querySelectorAll('td.n, .card b').forEach(function (c) {
    count++;
    var r = c.getBoundingClientRect();
    var ok = r.width > 0 && r.height > 0 && r.left >= -0.5 && r.right <= iw + 0.5;
    for (var a = c.parentElement; ok && a && a !== document.documentElement; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') {
        var b = a.getBoundingClientRect();
        ok = r.left >= b.left - 0.5 && r.right <= b.right + 0.5;
      }
    }
    if (!ok) bad.push(c.textContent.trim() + ' at ' + Math.round(r.left) + '..' + Math.round(r.right));
  });
  var out = parent.document.createElement('pre');
  out.className = 'measure';
  out.textContent = JSON.stringify({page: PAGE, innerWidth: iw,
    scrollWidth: document.scrollingElement.scrollWidth, cells: count, hidden: bad});
  parent.document.body.appendChild(out);
})();</script>"#;

/// Chromium, or a failure that says how to get it.
fn chromium() -> PathBuf {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join("chromium"))
        .chain([PathBuf::from("/usr/bin/chromium")])
        .find(|p| p.is_file());
    found.unwrap_or_else(|| panic!("chromium is not installed: run tests/run.sh (it installs Debian's chromium)"))
}

/// How a page is laid out: its viewport width, and whether as printed.
#[derive(Clone, Copy, Debug)]
enum Layout {
    Screen(u32),
    Print,
}

/// The width between the margins of an A4 page (210 mm) as the page's `@page` rule sets
/// them, in CSS pixels (96 to the inch): 14 mm margins leave 182 mm, 687 px.
fn a4_width(html: &str) -> u32 {
    let margin = html
        .split("@page{size:A4;margin:")
        .nth(1)
        .and_then(|rest| rest.split("mm").next())
        .and_then(|mm| mm.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("the page has no `@page{{size:A4;margin:..mm}}` rule"));
    ((210.0 - 2.0 * margin) * 96.0 / 25.4).floor() as u32
}

/// The test's copy of a page: the measuring script before `</body>`, and for print the
/// `@media print` rules applying on screen.
fn instrumented(name: &str, html: &str, layout: Layout) -> String {
    let mut html = html.to_string();
    if let Layout::Print = layout {
        assert!(html.contains("@media print{"), "{name} has print rules");
        html = html.replace("@media print{", "@media all{");
    }
    let script = MEASURE.replace("PAGE", &serde_json::to_string(name).unwrap());
    assert!(html.contains("</body>"), "{name} has a body");
    html.replacen("</body>", &format!("{script}</body>"), 1)
}

fn attribute(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;")
}

/// Lays out every page in Chromium at one layout and returns each page's measurements.
fn measure(pages: &[(String, String)], layout: Layout, dir: &Path) -> Vec<Value> {
    let mut frames = String::new();
    for (name, html) in pages {
        let width = match layout {
            Layout::Screen(w) => w,
            Layout::Print => a4_width(html),
        };
        frames.push_str(&format!(
            "<iframe style=\"display:block;border:0;width:{width}px;height:900px\" srcdoc=\"{}\"></iframe>\n",
            attribute(&instrumented(name, html, layout))
        ));
    }
    let wrapper = dir.join(format!("wrapper-{layout:?}.html").replace(['(', ')'], ""));
    fs::write(
        &wrapper,
        format!("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>{frames}</body></html>"),
    )
    .unwrap();
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1400,1000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}", wrapper.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The DOM is read as it comes (a full pipe would stop Chromium); Chromium exits by itself
    // once the page has loaded, and a hung browser fails the test.
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut dom = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut dom).map(|_| dom)
    });
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(180) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish laying out the pages within 180 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let dom = reader.join().unwrap().unwrap();
    let found: Vec<Value> = dom
        .split("<pre class=\"measure\">")
        .skip(1)
        .map(|m| {
            let json = m.split("</pre>").next().unwrap();
            let json = json.replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", "\u{a0}").replace("&amp;", "&");
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"))
        })
        .collect();
    assert_eq!(found.len(), pages.len(), "every page reported its measurements ({layout:?}):\n{dom}");
    found
}

/// The seed plan's example run for March: every payee's page, the team page, and the plan
/// document; the team, one payee and the document of the by-business plan (its example run);
/// plus a control page that must fail the checks (a table wider than any screen),
/// so that a measuring script that measures nothing cannot pass.
fn pages(dir: &Path) -> Vec<(String, String)> {
    let out = dir.join("reports");
    let args = [
        "report",
        SEED,
        "--data",
        "sales=examples/telecom/sales.csv",
        "--data",
        "surveys=examples/telecom/surveys.csv",
        "--period",
        "2026-03",
        "--output",
    ];
    let ran = run(args.iter().copied().chain([out.to_str().unwrap()]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let mut pages: Vec<(String, String)> = fs::read_dir(&out)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            (path.file_name().unwrap().to_string_lossy().into_owned(), fs::read_to_string(&path).unwrap())
        })
        .collect();
    pages.sort();
    assert_eq!(pages.len(), 11, "ten payees and the team");
    // The plan with the widest team table: a roster's three columns and five components.
    let wide = dir.join("by-business");
    let ran = run([
        &["report", "policies/telecom-by-business.policy"][..],
        &crate::BY_BUSINESS_DATA,
        &["--period", "2026-03", "--output", wide.to_str().unwrap()],
    ]
    .concat());
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    for name in ["2026-03-team.html", "2026-03-E01.html"] {
        pages.push((format!("by-business/{name}"), fs::read_to_string(wide.join(name)).unwrap()));
    }
    for (name, policy) in [("doc.html", SEED), ("by-business/doc.html", "policies/telecom-by-business.policy")] {
        let doc = run(["doc", policy, "--format", "html"]);
        assert_eq!(doc.code, 0, "{}", doc.stderr);
        pages.push((name.into(), doc.stdout));
    }
    pages.push((
        "control.html".into(),
        "<!DOCTYPE html><html><head><style>@page{size:A4;margin:14mm}@media print{td{padding:1px}}</style>\
         </head><body><table><tr><td style=\"min-width:2000px\">wide</td><td class=\"n\">1.00</td></tr></table></body></html>"
            .into(),
    ));
    pages
}

fn number(m: &Value, key: &str) -> f64 {
    m[key].as_f64().unwrap_or_else(|| panic!("no `{key}` in {m}"))
}

#[test]
fn pages_fit_a_phone_a_desktop_and_a4() {
    let dir = tempfile::tempdir().unwrap();
    let pages = pages(dir.path());
    let mut failures = Vec::new();
    for layout in [Layout::Screen(390), Layout::Screen(1280), Layout::Print] {
        for m in measure(&pages, layout, dir.path()) {
            let page = m["page"].as_str().unwrap().to_string();
            let (inner, scroll, cells) = (number(&m, "innerWidth"), number(&m, "scrollWidth"), number(&m, "cells"));
            let hidden = m["hidden"].as_array().unwrap();
            if let Layout::Screen(w) = layout {
                assert_eq!(inner, f64::from(w), "{page} was laid out {w} px wide");
            }
            let fits = scroll <= inner && cells > 0.0 && hidden.is_empty();
            if page == "control.html" {
                // The control is wider than every layout and its figure is off the screen.
                assert!(scroll > inner && hidden.len() == 1, "the control page must fail the checks ({layout:?}): {m}");
            } else if !fits {
                failures.push(format!(
                    "{page} at {layout:?}: {scroll} px of content in {inner} px, {cells} money cells, hidden: {hidden:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "pages that do not fit:\n{}", failures.join("\n"));
}
