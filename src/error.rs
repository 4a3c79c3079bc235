//! Errors: bad input and damaged or foreign result files (exit code 2), failed output or an
//! internal failure (exit code 1), interruption (exit code 130).

use std::fmt;
use std::path::PathBuf;

/// Where a value came from: a line of a scenario file, or a `--set` option.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A line (1-based) of a scenario file.
    File {
        /// The file as the user named it (or as `extends` resolved it).
        path: std::sync::Arc<str>,
        /// 1-based line number.
        line: usize,
    },
    /// A `--set PATH=VALUE` option, kept whole.
    Set(std::sync::Arc<str>),
    /// Made by leaksim itself (e.g. a `--vary` point or a default).
    Generated,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File { path, line: 0 } => write!(f, "{path}"),
            Origin::File { path, line } => write!(f, "{path}:{line}"),
            Origin::Set(arg) => write!(f, "--set {arg}"),
            Origin::Generated => write!(f, "(generated)"),
        }
    }
}

/// A problem with what the user gave: a scenario file, a `--set`, an option.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// Where: `file:line`, `--set ...`, or an option name.
    pub origin: Origin,
    /// The key concerned, as a dotted path (`controls.gatekeeper.team_size`), if any.
    pub key: Option<String>,
    /// What was wrong and what was expected.
    pub message: String,
}

impl InputError {
    /// A new error at `origin` about `key`.
    pub fn new(origin: &Origin, key: impl Into<String>, message: impl Into<String>) -> Self {
        let key = key.into();
        InputError {
            origin: origin.clone(),
            key: if key.is_empty() { None } else { Some(key) },
            message: message.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.origin, &self.key) {
            (Origin::Generated, Some(k)) => write!(f, "key `{k}`: {}", self.message),
            (Origin::Generated, None) => write!(f, "{}", self.message),
            (o, Some(k)) => write!(f, "{o}: key `{k}`: {}", self.message),
            (o, None) => write!(f, "{o}: {}", self.message),
        }
    }
}

/// Every failure leaksim reports.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad scenario file, `--set` or option (exit code 2).
    #[error("{0}")]
    Input(InputError),
    /// A bad command-line option or combination (exit code 2).
    #[error("{0}")]
    Usage(String),
    /// A file could not be read or written (exit code 1).
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A scenario, or one of its replications, needs more work than the budget allows
    /// (exit code 2).
    #[error("{0}")]
    Budget(String),
    /// Something failed inside leaksim that is neither the user's input nor a file: the worker
    /// pool could not start, an encoder refused its schema, a spool was misused (exit code 1).
    #[error("{0}")]
    Failed(String),
    /// The user interrupted the run; nothing was written (exit code 130).
    #[error("interrupted: no output was written")]
    Interrupted,
    /// A results or shard folder that is whole but does not belong with the others given: a shard
    /// of another run, a folder of another kind (exit code 2).
    #[error("{}: {what}", path.display())]
    Foreign {
        /// The folder or file, as the user named it.
        path: PathBuf,
        /// What it is, and what was expected.
        what: String,
    },
    /// A file in a results or shard folder is damaged, truncated or not one leaksim wrote
    /// (exit code 2).
    #[error("damaged file {}: {what}", path.display())]
    Damaged {
        /// The file, as the user knows it (a staging copy is named by its original).
        path: PathBuf,
        /// What is wrong with it.
        what: String,
    },
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_)
            | Error::Usage(_)
            | Error::Budget(_)
            | Error::Foreign { .. }
            | Error::Damaged { .. } => 2,
            Error::Io { .. } | Error::Failed(_) => 1,
            Error::Interrupted => 130,
        }
    }

    /// A damaged or foreign file `path`; a path inside a staging folder (`.NAME.staging-…`) is
    /// named by the folder it copies (`NAME`).
    pub fn damaged(path: impl AsRef<std::path::Path>, what: impl Into<String>) -> Self {
        let path = path
            .as_ref()
            .components()
            .map(|c| {
                let s = c.as_os_str().to_string_lossy();
                match s.strip_prefix('.').and_then(|n| n.rsplit_once(".staging-")) {
                    Some((name, _)) => std::ffi::OsString::from(name),
                    None => c.as_os_str().to_os_string(),
                }
            })
            .collect();
        Error::Damaged {
            path,
            what: what.into(),
        }
    }

    /// A folder or file `path` that does not belong with the others given.
    pub fn foreign(path: impl AsRef<std::path::Path>, what: impl Into<String>) -> Self {
        Error::Foreign {
            path: path.as_ref().to_path_buf(),
            what: what.into(),
        }
    }

    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        // An error of leaksim's own carried through an I/O callback keeps its kind (and exit).
        let source = match source.downcast::<Error>() {
            Ok(e) => return e,
            Err(source) => source,
        };
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Error::Input(e)
    }
}

/// Shorthand for leaksim results.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Edit distance between two short strings (for "did you mean" suggestions).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// `; did you mean `x`?` for the closest candidate within a small edit distance, or "".
pub fn suggestion<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let best = candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .min_by_key(|(d, _)| *d);
    match best {
        Some((d, c)) if d <= 1.max(word.chars().count() / 3) && d < word.chars().count() => {
            format!("; did you mean `{c}`?")
        }
        _ => String::new(),
    }
}

impl From<Error> for std::io::Error {
    fn from(e: Error) -> Self {
        std::io::Error::other(e)
    }
}
