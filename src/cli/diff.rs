//! `leaksim diff`.

use super::*;

/// `leaksim diff`: prints what differs between two resolved scenarios.
pub fn diff(a: &Path, b: &Path, sets: &[String]) -> Result<()> {
    let sa = Scenario::load(a, sets)?;
    let sb = Scenario::load(b, sets)?;
    print!("{}", crate::scenario::diff::render(&sa, &sb));
    Ok(())
}
