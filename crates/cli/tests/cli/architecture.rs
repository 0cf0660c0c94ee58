//! The workspace's architecture, checked: crates depend on each other only in the layered
//! direction (runtime ← vm ← syscalls ← sbfvm ← cli, with conformance, the test support and
//! the benches beside), and no module of any crate imports a module that imports it back.
//!
//! The module check reads every `src/**/*.rs` file of every crate as text (comments, string
//! literals and `#[cfg(test)]` modules removed), collects the paths that start with `crate::`,
//! `super::` or `self::` (in `use` trees and in code), resolves each to the file of the module
//! it names — through `pub use` re-exports, so that `crate::Item` counts as a use of the
//! module that defines `Item` — and looks for cycles among the files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every workspace crate with the workspace crates it may depend on (`[dependencies]`).
const LAYERS: &[(&str, &[&str])] = &[
    ("sbfvm-runtime", &[]),
    ("sbfvm-vm", &["sbfvm-runtime"]),
    ("sbfvm-syscalls", &["sbfvm-runtime", "sbfvm-vm"]),
    ("sbfvm-test-support", &["sbfvm-runtime", "sbfvm-vm"]),
    ("sbfvm", &["sbfvm-runtime", "sbfvm-vm", "sbfvm-syscalls"]),
    (
        "sbfvm-conformance",
        &[
            "sbfvm-runtime",
            "sbfvm-vm",
            "sbfvm-syscalls",
            "sbfvm-test-support",
        ],
    ),
    (
        "sbfvm-benches",
        &["sbfvm-runtime", "sbfvm-vm", "sbfvm-syscalls", "sbfvm"],
    ),
    (
        "sbfvm-cli",
        &[
            "sbfvm-runtime",
            "sbfvm-vm",
            "sbfvm-syscalls",
            "sbfvm",
            "sbfvm-conformance",
            "sbfvm-benches",
        ],
    ),
];

fn workspace_root() -> PathBuf {
    let mut dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    while !dir.join("Cargo.lock").exists() {
        assert!(
            dir.pop(),
            "no workspace root above {}",
            env!("CARGO_MANIFEST_DIR")
        );
    }
    dir
}

/// The workspace's member directories, from the root manifest's `members`.
fn members(root: &Path) -> Vec<PathBuf> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("root Cargo.toml");
    let start = manifest.find("members").expect("a members list");
    let list = &manifest[start..];
    let list = &list[list.find('[').expect("[") + 1..list.find(']').expect("]")];
    list.split(',')
        .map(|entry| entry.trim().trim_matches('"'))
        .filter(|entry| !entry.is_empty())
        .map(|entry| root.join(entry))
        .collect()
}

/// A manifest's package name and the `sbfvm*` crates of its `[dependencies]` table.
fn package_and_dependencies(manifest: &str) -> (String, Vec<String>) {
    let mut name = None;
    let mut dependencies = Vec::new();
    let mut section = "";
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line;
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim().trim_matches('"');
        match section {
            "[package]" if key == "name" => name = Some(value.trim().trim_matches('"').to_string()),
            "[dependencies]" if key.starts_with("sbfvm") => {
                // `sbfvm-vm.workspace = true` or `sbfvm = { path = … }`.
                dependencies.push(key.split('.').next().unwrap_or(key).to_string());
            }
            _ => {}
        }
    }
    (name.expect("a package name"), dependencies)
}

#[test]
fn crates_depend_only_on_the_layers_below() {
    let root = workspace_root();
    let mut seen = BTreeSet::new();
    for member in members(&root) {
        let manifest = std::fs::read_to_string(member.join("Cargo.toml")).expect("manifest");
        let (name, dependencies) = package_and_dependencies(&manifest);
        let Some((_, allowed)) = LAYERS.iter().find(|(layer, _)| *layer == name) else {
            panic!("crate {name} is in no layer: add it to LAYERS with the crates it may use");
        };
        for dependency in &dependencies {
            assert!(
                allowed.contains(&dependency.as_str()),
                "{name} depends on {dependency}, which is not below it (allowed: {allowed:?})"
            );
        }
        seen.insert(name);
    }
    for (layer, _) in LAYERS {
        assert!(
            seen.contains(*layer),
            "{layer} is in LAYERS but not in the workspace"
        );
    }
}

// ----- the module graph -----

/// One module's source as text with comments, literals and test modules blanked. An inline
/// `mod name { … }` is a module of its own for resolving paths, but belongs to its file's
/// node in the graph.
struct SourceFile {
    /// The module path, e.g. `crate::builtins::system`.
    module: String,
    /// The module of the file it is written in (the node of the graph).
    file_module: String,
    text: String,
}

/// Splits the inline modules (`mod name { … }`) out of `text`, recursively.
fn split_inline_modules(module: &str, file_module: &str, text: &str, out: &mut Vec<SourceFile>) {
    let mut own = text.to_string();
    let mut from = 0;
    while let Some(found) = find_keyword(&own[from..], "mod") {
        let start = from + found;
        let after = &own[start + 3..];
        let name_len = after
            .trim_start()
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(0);
        let name_start = start + 3 + (after.len() - after.trim_start().len());
        let name = own[name_start..name_start + name_len].to_string();
        let after_name = own[name_start + name_len..].trim_start();
        if name.is_empty() || !after_name.starts_with('{') {
            from = start + 3;
            continue;
        }
        let open = own.len() - after_name.len();
        let close = open + matching_brace(&own[open..]);
        let inner = own[open + 1..close].to_string();
        split_inline_modules(&format!("{module}::{name}"), file_module, &inner, out);
        own.replace_range(
            start..=close.min(own.len() - 1),
            &" ".repeat(close + 1 - start),
        );
        from = start;
    }
    out.push(SourceFile {
        module: module.to_string(),
        file_module: file_module.to_string(),
        text: own,
    });
}

/// Replaces comments and string/char literals with spaces (keeping newlines).
fn strip_comments_and_literals(source: &str) -> String {
    let bytes = source.as_bytes();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < bytes.len() {
        let rest = &source[i..];
        if rest.starts_with("//") {
            let end = rest.find('\n').unwrap_or(rest.len());
            out.push_str(&" ".repeat(end));
            i += end;
        } else if rest.starts_with("/*") {
            let end = rest.find("*/").map_or(rest.len(), |end| end + 2);
            blank_out(&rest[..end], &mut out);
            i += end;
        } else if let Some(len) = raw_string_len(rest) {
            blank_out(&rest[..len], &mut out);
            i += len;
        } else if rest.starts_with('"') || rest.starts_with("b\"") {
            let open = if rest.starts_with('"') { 1 } else { 2 };
            let mut end = open;
            let body = rest.as_bytes();
            while end < body.len() && body[end] != b'"' {
                end += if body[end] == b'\\' { 2 } else { 1 };
            }
            let end = (end + 1).min(body.len());
            blank_out(&rest[..end], &mut out);
            i += end;
        } else if let Some(len) = char_literal_len(rest) {
            out.push_str(&" ".repeat(len));
            i += len;
        } else {
            let c = rest.chars().next().expect("a char");
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// Appends `text` to `out` with every character but newlines replaced by a space.
fn blank_out(text: &str, out: &mut String) {
    out.extend(text.chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
}

/// The length of a raw string literal (`r"…"`, `r#"…"#`, `br#"…"#`) at the start of `text`.
fn raw_string_len(text: &str) -> Option<usize> {
    let after_prefix = text.strip_prefix("br").or_else(|| text.strip_prefix('r'))?;
    let hashes = after_prefix.len() - after_prefix.trim_start_matches('#').len();
    let body = after_prefix[hashes..].strip_prefix('"')?;
    let closing = format!("\"{}", "#".repeat(hashes));
    let end = body.find(&closing)?;
    Some(text.len() - body.len() + end + closing.len())
}

/// The length of a char literal (`'a'`, `'\n'`, `'\u{1F600}'`) at the start of `text`;
/// `None` for a lifetime.
fn char_literal_len(text: &str) -> Option<usize> {
    let body = text.strip_prefix('\'')?;
    if let Some(escaped) = body.strip_prefix('\\') {
        let end = escaped.find('\'')?;
        return Some(end + 3);
    }
    let c = body.chars().next()?;
    body[c.len_utf8()..]
        .starts_with('\'')
        .then(|| c.len_utf8() + 2)
}

/// Removes `#[cfg(test)]` items (test modules and helpers): tests may use anything.
fn strip_test_items(text: &str) -> String {
    let mut out = text.to_string();
    while let Some(start) = out.find("#[cfg(test)]") {
        let rest = &out[start..];
        let brace = rest.find('{');
        let semicolon = rest.find(';');
        let end = match (brace, semicolon) {
            (Some(brace), Some(semicolon)) if semicolon < brace => start + semicolon + 1,
            (Some(brace), _) => start + brace + matching_brace(&rest[brace..]) + 1,
            (None, Some(semicolon)) => start + semicolon + 1,
            (None, None) => out.len(),
        };
        out.replace_range(start..end, &" ".repeat(end - start));
    }
    out
}

/// The offset of the brace closing the one `text` starts with.
fn matching_brace(text: &str) -> usize {
    let mut depth = 0usize;
    for (offset, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return offset;
                }
            }
            _ => {}
        }
    }
    text.len()
}

fn read_crate(src: &Path) -> Vec<SourceFile> {
    let mut files = Vec::new();
    let mut pending = vec![src.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable source directory") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let relative = path.strip_prefix(src).expect("inside src");
                let Some(module) = module_path(relative) else {
                    continue;
                };
                let text = std::fs::read_to_string(&path).expect("readable source");
                let text = strip_test_items(&strip_comments_and_literals(&text));
                split_inline_modules(&module, &module, &text, &mut files);
            }
        }
    }
    files
}

/// `lib.rs` → `crate`, `a/b.rs` and `a/b/mod.rs` → `crate::a::b`; `main.rs` and `bin/`
/// files are roots of other targets and are left out.
fn module_path(relative: &Path) -> Option<String> {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|part| part.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts == ["lib"] {
        return Some("crate".to_string());
    }
    if parts.first().is_some_and(|first| first == "bin") || parts == ["main"] {
        return None;
    }
    if parts.last().is_some_and(|last| last == "mod") {
        parts.pop();
    }
    Some(format!("crate::{}", parts.join("::")))
}

/// Expands the use tree after `use` (up to its `;`) into full paths; renames (`as`) and
/// `self` leaves are dropped.
fn expand_use_tree(tree: &str) -> Vec<String> {
    let spaced = tree
        .replace('{', " { ")
        .replace('}', " } ")
        .replace(',', " , ");
    let mut compact = String::new();
    let mut tokens = spaced.split_whitespace();
    while let Some(token) = tokens.next() {
        if token == "as" {
            tokens.next();
        } else {
            compact.push_str(token);
        }
    }
    let mut paths = Vec::new();
    expand(&compact, "", &mut paths);
    paths
}

fn expand(tree: &str, prefix: &str, out: &mut Vec<String>) {
    if let Some(open) = tree.find('{') {
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let base = format!("{prefix}{}", &tree[..open]);
        let mut depth = 0;
        let mut start = 0;
        for (offset, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&inner[start..offset], &base, out);
                    start = offset + 1;
                }
                _ => {}
            }
        }
        expand(&inner[start..], &base, out);
    } else if !tree.is_empty() {
        let path = format!("{prefix}{tree}");
        out.push(path.trim_end_matches("::self").to_string());
    }
}

/// Every path of two or more segments in `text` (`a::b`, `crate::x::y`, `super::z`), `use`
/// trees expanded. Which of them name the crate's own modules is decided by the caller.
fn paths_in(text: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut rest = text;
    // `use` trees first (they may hold `{…}` groups), then blank them out.
    let mut code = String::new();
    while let Some(start) = find_keyword(rest, "use") {
        code.push_str(&rest[..start]);
        let end = rest[start..]
            .find(';')
            .map_or(rest.len(), |end| start + end);
        paths.extend(expand_use_tree(&rest[start + 3..end]));
        code.push_str(&" ".repeat(end - start));
        rest = &rest[end..];
    }
    code.push_str(rest);
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let starts_path = is_ident(bytes[i])
            && !bytes[i].is_ascii_digit()
            && (i == 0 || !(is_ident(bytes[i - 1]) || bytes[i - 1] == b':'));
        if !starts_path {
            i += 1;
            continue;
        }
        let mut end = i;
        while end < bytes.len() && (is_ident(bytes[end]) || bytes[end] == b':') {
            end += 1;
        }
        let path = code[i..end].trim_end_matches(':');
        if path.contains("::") {
            paths.push(path.to_string());
        }
        i = end;
    }
    paths
}

/// The offset of `keyword` as a whole word starting a `use` item.
fn find_keyword(text: &str, keyword: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(found) = text[from..].find(keyword) {
        let start = from + found;
        from = start + keyword.len();
        let before_ok =
            start == 0 || !(bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_');
        let after_ok = bytes.get(from).is_some_and(|c| c.is_ascii_whitespace());
        if before_ok && after_ok {
            return Some(start);
        }
    }
    None
}

/// `path` as an absolute `crate::…` path, seen from `module`: `crate::…`, `super::…` and
/// `self::…` paths, and paths whose first segment is a child module of `module`; `None` for
/// anything else (another crate, `std`, a type's associated item).
fn absolute_in_crate(path: &str, module: &str, modules: &BTreeSet<String>) -> Option<String> {
    let first = path.split("::").next().unwrap_or(path);
    if matches!(first, "crate" | "super" | "self") {
        return Some(absolute(path, module));
    }
    let child = format!("{module}::{first}");
    modules
        .contains(&child)
        .then(|| format!("{module}::{path}"))
}

/// `path` (starting with `crate`, `super` or `self`) as an absolute path seen from `module`.
fn absolute(path: &str, module: &str) -> String {
    let mut segments: Vec<&str> = module.split("::").collect();
    let mut rest = path;
    loop {
        if let Some(after) = rest.strip_prefix("super::") {
            segments.pop();
            rest = after;
        } else if let Some(after) = rest.strip_prefix("self::") {
            rest = after;
        } else {
            break;
        }
    }
    if rest.starts_with("crate::") || rest == "crate" {
        return rest.to_string();
    }
    format!("{}::{rest}", segments.join("::"))
}

/// The module an absolute path lands in: the longest module prefix, after replacing any
/// prefix re-exported with `pub use` by the path it re-exports.
fn resolve(
    path: &str,
    modules: &BTreeSet<String>,
    reexports: &BTreeMap<String, String>,
) -> Option<String> {
    let mut current = path.to_string();
    'follow: for _ in 0..16 {
        let segments: Vec<&str> = current.split("::").collect();
        for len in (1..=segments.len()).rev() {
            let prefix = segments[..len].join("::");
            if let Some(target) = reexports.get(&prefix) {
                let rest = segments[len..].join("::");
                current = if rest.is_empty() {
                    target.clone()
                } else {
                    format!("{target}::{rest}")
                };
                continue 'follow;
            }
        }
        break;
    }
    let segments: Vec<&str> = current.split("::").collect();
    (1..=segments.len())
        .rev()
        .map(|len| segments[..len].join("::"))
        .find(|candidate| modules.contains(candidate))
}

/// `pub use` items of every module: `crate::m::Item` → the absolute path it names.
fn reexports(files: &[SourceFile], modules: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for file in files {
        let mut rest = file.text.as_str();
        while let Some(start) = rest.find("pub use ") {
            let end = rest[start..]
                .find(';')
                .map_or(rest.len(), |end| start + end);
            for path in expand_use_tree(&rest[start + 8..end]) {
                let name = path.rsplit("::").next().unwrap_or(&path).to_string();
                if let Some(target) = absolute_in_crate(&path, &file.module, modules) {
                    map.insert(format!("{}::{name}", file.module), target);
                }
            }
            rest = &rest[end..];
        }
    }
    map
}

/// Cycles among a crate's modules, each as its list of modules.
fn module_cycles(src: &Path) -> Vec<Vec<String>> {
    let files = read_crate(src);
    let modules: BTreeSet<String> = files.iter().map(|file| file.module.clone()).collect();
    let node_of: BTreeMap<&str, &str> = files
        .iter()
        .map(|file| (file.module.as_str(), file.file_module.as_str()))
        .collect();
    let nodes: BTreeSet<String> = files.iter().map(|file| file.file_module.clone()).collect();
    let reexports = reexports(&files, &modules);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        for path in paths_in(&file.text) {
            let Some(target) = absolute_in_crate(&path, &file.module, &modules) else {
                continue;
            };
            let Some(target) = resolve(&target, &modules, &reexports) else {
                continue;
            };
            let target = node_of[target.as_str()];
            if target != file.file_module {
                edges
                    .entry(file.file_module.clone())
                    .or_default()
                    .insert(target.to_string());
            }
        }
    }
    strongly_connected(&nodes, &edges)
        .into_iter()
        .filter(|component| component.len() > 1)
        .map(|component| {
            // The edges inside the cycle, so the message says which import to move.
            let mut inside = Vec::new();
            for from in &component {
                for to in edges.get(from).into_iter().flatten() {
                    if component.contains(to) {
                        inside.push(format!("{from} → {to}"));
                    }
                }
            }
            inside
        })
        .collect()
}

/// Tarjan's strongly connected components.
fn strongly_connected(
    nodes: &BTreeSet<String>,
    edges: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        components: Vec<Vec<String>>,
    }
    fn visit<'a>(node: &'a str, state: &mut State<'a>) {
        let next = state.index.len();
        state.index.insert(node, next);
        state.low.insert(node, next);
        state.stack.push(node);
        state.on_stack.insert(node);
        if let Some(targets) = state.edges.get(node) {
            for target in targets {
                if !state.index.contains_key(target.as_str()) {
                    visit(target, state);
                    let low = state.low[target.as_str()].min(state.low[node]);
                    state.low.insert(node, low);
                } else if state.on_stack.contains(target.as_str()) {
                    let low = state.index[target.as_str()].min(state.low[node]);
                    state.low.insert(node, low);
                }
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = Vec::new();
            while let Some(member) = state.stack.pop() {
                state.on_stack.remove(member);
                component.push(member.to_string());
                if member == node {
                    break;
                }
            }
            state.components.push(component);
        }
    }
    let mut state = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        components: Vec::new(),
    };
    for node in nodes {
        if !state.index.contains_key(node.as_str()) {
            visit(node, &mut state);
        }
    }
    state.components
}

#[test]
fn no_module_imports_a_module_that_imports_it_back() {
    let root = workspace_root();
    let mut failures = Vec::new();
    for member in members(&root) {
        let src = member.join("src");
        if !src.is_dir() {
            continue;
        }
        for cycle in module_cycles(&src) {
            failures.push(format!("{}: {}", member.display(), cycle.join(", ")));
        }
    }
    assert!(
        failures.is_empty(),
        "module cycles:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_checker_sees_use_trees_paths_and_reexports() {
    let text = strip_test_items(&strip_comments_and_literals(
        "use crate::{a::X, b::{c::Y, Z as W}};\n// use crate::comment;\nfn f() { super::d::g(); let s = \"crate::string\"; }\n#[cfg(test)]\nmod tests { use crate::test_only; }\n",
    ));
    let mut paths = paths_in(&text);
    paths.sort();
    assert_eq!(
        paths,
        [
            "crate::a::X",
            "crate::b::Z",
            "crate::b::c::Y",
            "super::d::g"
        ]
    );
    let modules: BTreeSet<String> = ["crate", "crate::m", "crate::m::child"]
        .map(String::from)
        .into();
    assert_eq!(
        absolute_in_crate("child::Item", "crate::m", &modules).as_deref(),
        Some("crate::m::child::Item")
    );
    assert_eq!(
        absolute_in_crate("std::mem::take", "crate::m", &modules),
        None
    );
    assert_eq!(absolute("super::d::g", "crate::x::y"), "crate::x::d::g");
    let modules: BTreeSet<String> = ["crate", "crate::a", "crate::b"].map(String::from).into();
    let reexports: BTreeMap<String, String> =
        [("crate::X".to_string(), "crate::a::X".to_string())].into();
    assert_eq!(
        resolve("crate::X", &modules, &reexports).as_deref(),
        Some("crate::a")
    );
    assert_eq!(
        resolve("crate::b::q", &modules, &reexports).as_deref(),
        Some("crate::b")
    );
    let edges: BTreeMap<String, BTreeSet<String>> = [
        ("crate::a".to_string(), ["crate::b".to_string()].into()),
        ("crate::b".to_string(), ["crate::a".to_string()].into()),
    ]
    .into();
    let components = strongly_connected(&modules, &edges);
    assert!(components.iter().any(|component| component.len() == 2));
}
