//! smic-macros: smic's MIB compiler as a proc-macro.
//!
//! [`mibs!`] compiles MIB modules while the calling crate compiles and puts the typed
//! Rust where it is called: what a `build.rs` with `smic::Builder` and
//! `include!(concat!(env!("OUT_DIR"), "/mibs.rs"))` gives, in one line and without a
//! build script. Errors in the MIBs become compile errors that name the MIB file and
//! line.

// Library code does not panic on what it is given: every index is checked, and an
// `expect` is a bug (tests index freely).
#![cfg_attr(not(test), warn(clippy::indexing_slicing, clippy::expect_used))]

use std::path::{MAIN_SEPARATOR, Path, PathBuf};

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, LitBool, LitStr, Token, bracketed};

/// Compiles MIB modules to typed Rust, in place.
///
/// ```
/// mod mibs {
///     smic_macros::mibs! {
///         modules: ["INET-ADDRESS-MIB"],
///     }
/// }
/// use mibs::inet_address_mib::{InetAddressIPv4, InetAddressType};
///
/// let address: InetAddressIPv4 = "192.0.2.1".parse().unwrap();
/// assert_eq!(address.get(), &[192, 0, 2, 1]);
/// assert_eq!(InetAddressType::try_from(2), Ok(InetAddressType::Ipv6));
/// ```
///
/// The expansion is one `pub mod` per MIB module: the modules named and every module
/// their code uses (here `inet_address_mib`), as `smic::Builder` writes them. Use it
/// where items may go. The generated code names the runtime crate `smic-smi`, which
/// must be a dependency of the calling crate.
///
/// Options, separated by commas, in any order:
///
/// - `modules: ["ACME-MIB", "IF-MIB"]` (required): the modules to compile, by name.
/// - `search_path: "mibs"` or `search_path: ["mibs", "vendor"]`: directories or files
///   to search for modules, before the MIBs shipped with smic. Relative paths start
///   from the calling crate's directory (`CARGO_MANIFEST_DIR`).
/// - `runtime: ::my_crate::smi` (a path, or a string holding one): how generated code
///   names the `smic-smi` crate, for crates that rename or re-export it. Default
///   `::smic_smi`.
/// - `strict: true`: vendor quirks are errors, as `smic check --strict`.
/// - `builtin_mibs: false`: do not search the MIBs shipped with smic.
/// - `allow: ["quirk::digit-initial-label"]`: warning codes to silence (only `strict`
///   makes warnings matter here: a proc-macro cannot show warnings).
///
/// A module that does not load is a compile error per problem, at the macro call,
/// saying where in the MIB it is:
///
/// ```text
/// error: mibs/ACME-MIB.txt:42:5: unexpected `}` [smic::syntax::unexpected-token]
/// ```
///
/// Every MIB file read is included in the crate with `include_bytes!`, so cargo
/// recompiles the caller when one changes. A file added to a search directory later is
/// not noticed until something else changes.
#[proc_macro]
pub fn mibs(input: TokenStream) -> TokenStream {
    match syn::parse::<Options>(input) {
        Ok(options) => expand(&options).into(),
        Err(error) => error.to_compile_error().into(),
    }
}

/// What the macro was asked to do.
struct Options {
    search_paths: Vec<LitStr>,
    modules: Vec<LitStr>,
    runtime: Option<String>,
    strict: bool,
    builtin_mibs: bool,
    allow: Vec<smic::Code>,
}

impl Parse for Options {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut options = Options {
            search_paths: Vec::new(),
            modules: Vec::new(),
            runtime: None,
            strict: false,
            builtin_mibs: true,
            allow: Vec::new(),
        };
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            input.parse::<Token![:]>()?;
            match key.to_string().as_str() {
                "search_path" => options.search_paths.extend(strings(input)?),
                "modules" => options.modules.extend(strings(input)?),
                "runtime" => options.runtime = Some(runtime(input)?),
                "strict" => options.strict = input.parse::<LitBool>()?.value,
                "builtin_mibs" => options.builtin_mibs = input.parse::<LitBool>()?.value,
                "allow" => {
                    for code in strings(input)? {
                        let found = smic::Code::from_name(&code.value()).ok_or_else(|| {
                            syn::Error::new(code.span(), "not a smic diagnostic code")
                        })?;
                        options.allow.push(found);
                    }
                }
                other => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown option `{other}`: expected `modules`, `search_path`, \
                             `runtime`, `strict`, `builtin_mibs` or `allow`"
                        ),
                    ));
                }
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        if options.modules.is_empty() {
            return Err(syn::Error::new(
                Span::call_site(),
                "no modules to compile: add `modules: [\"SOME-MIB\"]`",
            ));
        }
        Ok(options)
    }
}

/// One string, or a bracketed list of them.
fn strings(input: ParseStream<'_>) -> syn::Result<Vec<LitStr>> {
    if input.peek(syn::token::Bracket) {
        let content;
        bracketed!(content in input);
        let list = Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?;
        Ok(list.into_iter().collect())
    } else {
        Ok(vec![input.parse()?])
    }
}

/// A path (`::smic_smi`, `crate::smi`), or a string holding one.
fn runtime(input: ParseStream<'_>) -> syn::Result<String> {
    if input.peek(LitStr) {
        let text: LitStr = input.parse()?;
        syn::parse_str::<syn::Path>(&text.value())
            .map_err(|_| syn::Error::new(text.span(), "not a Rust path"))?;
        Ok(text.value())
    } else {
        let path: syn::Path = input.parse()?;
        Ok(quote!(#path).to_string())
    }
}

/// Where relative paths start: the calling crate's directory.
fn base_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// The most MIB errors shown; the rest are counted.
const MAX_ERRORS: usize = 10;

fn expand(options: &Options) -> TokenStream2 {
    let base = base_dir();
    let mut builder = smic::Builder::new();
    builder
        .emit_rerun_if_changed(false)
        .strict(options.strict)
        .builtin_mibs(options.builtin_mibs);
    for path in &options.search_paths {
        builder.search_path(base.join(path.value()));
    }
    if let Some(runtime) = &options.runtime {
        builder.runtime_path(runtime.clone());
    }
    for &code in &options.allow {
        builder.allow(code);
    }
    let modules: Vec<String> = options.modules.iter().map(LitStr::value).collect();
    let compiled = match builder.generate(&modules) {
        Ok(compiled) => compiled,
        Err(error) => return errors(&error, &base),
    };

    let tracked = compiled
        .files
        .iter()
        .map(|path| base.join(path))
        .filter_map(|path| path.to_str().map(str::to_owned))
        .map(|path| {
            quote!(
                const _: &[u8] = ::core::include_bytes!(#path);
            )
        });
    let mut code = TokenStream2::new();
    for module in &compiled.modules {
        match module.code.parse::<TokenStream2>() {
            Ok(tokens) => code.extend(tokens),
            Err(error) => {
                let message = format!(
                    "smic generated Rust for {} that does not parse ({error}); this is a smic bug",
                    module.module
                );
                return quote!(::core::compile_error!(#message););
            }
        }
    }
    quote! {
        #(#tracked)*
        #code
    }
}

/// One `compile_error!` per MIB error (up to [`MAX_ERRORS`]), paths shown relative to
/// the calling crate.
fn errors(error: &smic::BuildError, base: &Path) -> TokenStream2 {
    let prefix = format!("{}{MAIN_SEPARATOR}", base.display());
    let mib = error.mib_errors();
    let mut messages: Vec<String> = mib
        .iter()
        .take(MAX_ERRORS)
        .map(|e| e.summary().replace(&prefix, ""))
        .collect();
    if mib.len() > MAX_ERRORS {
        messages.push(format!(
            "{} more MIB errors; `smic check` shows them all",
            mib.len() - MAX_ERRORS
        ));
    }
    if messages.is_empty() {
        messages.push(error.to_string().replace(&prefix, ""));
    }
    quote! { #(::core::compile_error!(#messages);)* }
}
