//! `leaksim validate`.

use super::*;

/// `leaksim validate`: checks each file and prints what it resolves to. Returns the warning count.
pub fn validate(files: &[PathBuf], sets: &[String]) -> Result<usize> {
    let scenarios = load_all(files, sets)?;
    let mut warnings = 0;
    for s in &scenarios {
        let (text, warns) = crate::output::describe::describe(s);
        print!("{text}");
        for w in &warns {
            println!("warning: {w}");
        }
        warnings += warns.len();
        println!("ok: {} is valid\n", s.source);
    }
    Ok(warnings)
}
