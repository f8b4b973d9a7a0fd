//! From Jupyter notebooks to Rust tests: one test function per notebook whose body is the
//! notebook's code cells in order, so variables carry from cell to cell as they do in the evcxr
//! kernel.
//!
//! What a cell becomes:
//! - evcxr commands (lines that start with `:`) are dropped; `:dep NAME …` must name a crate in
//!   [`DEPENDENCIES`], the crates this check is built against, or generation fails;
//! - the statements and items of the cell are kept as they are;
//! - a final expression without a semicolon is what the kernel displays: it becomes a call that
//!   renders it the same way (a [`Chart`](mle::plot::Chart) as SVG, anything else with `Debug`);
//! - a marker call before each cell prints `NOTEBOOK, code cell K`, so a failing test says where
//!   it failed;
//! - the variables a cell binds at its top level must be ones the kernel can keep for later
//!   cells: no closures, nothing holding a non-`'static` reference (the kernel fails such a cell).
//!
//! Known differences from the kernel: items (functions, types) are visible in every cell of a
//! notebook and cannot be redefined by a later one; a value whose type cannot be named (an
//! `impl Trait`) passes here but cannot be kept by the kernel; a final expression that moves a
//! kept variable (`Series::line("…", curve)`) is shown by the kernel with `Debug` instead of
//! `evcxr_display` (clone it: `curve.clone()`); and the kernel resolves dependency versions
//! afresh where this check uses the workspace's `Cargo.lock`.
//!
//! This file is compiled twice: by the build script, which writes the tests, and as a module of
//! the library, where its unit tests live.

use std::path::Path;

/// The crates a notebook may load with `:dep` (the `[dependencies]` of this check that notebooks
/// can see).
pub const DEPENDENCIES: &[&str] = &["mle"];

/// The code cells of a notebook (`.ipynb` JSON), in order, each as one string.
///
/// # Errors
/// A message when the text is not a notebook.
pub fn code_cells(json: &str) -> Result<Vec<String>, String> {
    let notebook: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))?;
    let cells = notebook["cells"]
        .as_array()
        .ok_or("no `cells` array: not a Jupyter notebook")?;
    let mut code = Vec::new();
    for (k, cell) in cells.iter().enumerate() {
        if cell["cell_type"] != "code" {
            continue;
        }
        let source = match &cell["source"] {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Array(lines) => lines
                .iter()
                .map(|l| {
                    l.as_str()
                        .ok_or(format!("cell {}: a source line is not text", k + 1))
                })
                .collect::<Result<String, String>>()?,
            _ => return Err(format!("cell {}: no source", k + 1)),
        };
        code.push(source);
    }
    Ok(code)
}

/// The cell without its evcxr commands.
///
/// # Errors
/// A message when a `:dep` names a crate outside [`DEPENDENCIES`].
pub fn strip_commands(cell: &str) -> Result<String, String> {
    let mut rust = String::new();
    for line in cell.lines() {
        let command = line.trim_start();
        if let Some(rest) = command.strip_prefix(":dep") {
            let name = rest
                .trim_start()
                .split(|c: char| c.is_whitespace() || c == '=')
                .next()
                .unwrap_or_default();
            if !DEPENDENCIES.contains(&name) {
                return Err(format!(
                    "`:dep {name}`: the check builds notebooks against {DEPENDENCIES:?} only; \
                     add the crate to notebooks/check/Cargo.toml and to DEPENDENCIES"
                ));
            }
        } else if command.starts_with(':') {
            // another evcxr command (`:timing`, `:opt`, …): no meaning outside the kernel
        } else {
            rust.push_str(line);
        }
        rust.push('\n');
    }
    Ok(rust)
}

/// The names a pattern binds.
fn bound_names(pat: &syn::Pat, names: &mut Vec<syn::Ident>) {
    match pat {
        syn::Pat::Ident(p) => names.push(p.ident.clone()),
        syn::Pat::Tuple(t) => t.elems.iter().for_each(|p| bound_names(p, names)),
        syn::Pat::TupleStruct(t) => t.elems.iter().for_each(|p| bound_names(p, names)),
        syn::Pat::Struct(s) => s.fields.iter().for_each(|f| bound_names(&f.pat, names)),
        syn::Pat::Slice(s) => s.elems.iter().for_each(|p| bound_names(p, names)),
        syn::Pat::Type(t) => bound_names(&t.pat, names),
        syn::Pat::Reference(r) => bound_names(&r.pat, names),
        syn::Pat::Paren(p) => bound_names(&p.pat, names),
        _ => {}
    }
}

/// The statements of one cell: each top-level `let` followed by a check that the variables it
/// binds could be kept for later cells, the final expression turned into a display call.
///
/// The kernel keeps a cell's top-level variables for the cells after it, and refuses (the cell
/// fails) a closure or a value holding a non-`'static` reference. A closure is refused here by
/// its syntax; a reference by [`crate::persisted`]'s `'static` bound at compile time.
fn cell_statements(rust: &str) -> Result<Vec<syn::Stmt>, String> {
    let block: syn::Block =
        syn::parse_str(&format!("{{\n{rust}\n}}")).map_err(|e| e.to_string())?;
    let mut stmts = Vec::with_capacity(block.stmts.len());
    for stmt in block.stmts {
        let mut names = Vec::new();
        // a `let` without a value (`let x;`) is checked where it is assigned, by the compiler
        if let syn::Stmt::Local(syn::Local {
            pat,
            init: Some(init),
            ..
        }) = &stmt
        {
            if matches!(*init.expr, syn::Expr::Closure(_)) {
                return Err(
                    "a closure in a top-level `let` cannot be kept across cells in the \
                            kernel: make it a `fn`, box it, or wrap the cell in braces"
                        .into(),
                );
            }
            bound_names(pat, &mut names);
        }
        stmts.push(stmt);
        // right after the binding, before the value can be moved away: its type is what counts
        for name in names.iter().filter(|n| !n.to_string().starts_with('_')) {
            stmts.push(syn::parse_quote! { ::mle_notebooks::persisted(&#name); });
        }
    }
    if let Some(syn::Stmt::Expr(expr, None)) = stmts.last() {
        let shown = syn::parse_quote! {
            println!("{}", (&::mle_notebooks::Shown(&(#expr))).show());
        };
        stmts.pop();
        stmts.push(shown);
    }
    Ok(stmts)
}

/// The test function of one notebook: `name` is its file name, `dir` the folder its cells run
/// in (the kernel runs a notebook in the notebook's folder).
///
/// # Errors
/// A message naming the notebook and the code cell that cannot be parsed or loads an unknown
/// crate.
pub fn notebook_test(name: &str, dir: &str, cells: &[String]) -> Result<syn::ItemFn, String> {
    let ident: String = name
        .trim_end_matches(".ipynb")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let ident: syn::Ident = syn::parse_str(&format!("notebook_{ident}"))
        .map_err(|e| format!("{name}: not usable as a test name: {e}"))?;
    let mut body: Vec<syn::Stmt> = Vec::new();
    for (k, cell) in cells.iter().enumerate() {
        let k = k + 1;
        let rust = strip_commands(cell).map_err(|e| format!("{name}, code cell {k}: {e}"))?;
        let stmts = cell_statements(&rust).map_err(|e| format!("{name}, code cell {k}: {e}"))?;
        body.push(syn::parse_quote! { ::mle_notebooks::cell(#name, #k); });
        body.extend(stmts);
    }
    Ok(syn::parse_quote! {
        #[test]
        #[allow(unused, clippy::all, clippy::pedantic)]
        fn #ident() -> ::std::result::Result<(), ::std::boxed::Box<dyn ::std::error::Error>> {
            use ::mle_notebooks::{ShowChart as _, ShowDebug as _};
            ::mle_notebooks::enter(#dir);
            #(#body)*
            Ok(())
        }
    })
}

/// The Rust source of the tests for every `*.ipynb` directly in `dir`, in file-name order.
///
/// # Errors
/// A message when the folder cannot be read, holds no notebook (a check that checks nothing must
/// not pass), or a notebook cannot be turned into a test.
pub fn tests_for_folder(dir: &Path) -> Result<String, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ipynb"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(format!(
            "{}: no notebooks (*.ipynb) to check",
            dir.display()
        ));
    }
    let dir_text = dir.to_string_lossy().into_owned();
    let mut items = Vec::new();
    for path in &paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let json = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
        let cells = code_cells(&json).map_err(|e| format!("{name}: {e}"))?;
        items.push(syn::Item::Fn(notebook_test(&name, &dir_text, &cells)?));
    }
    Ok(source(items))
}

/// Rust source, formatted, of generated items.
pub fn source(items: Vec<syn::Item>) -> String {
    prettyplease::unparse(&syn::File {
        shebang: None,
        attrs: Vec::new(),
        items,
    })
}
