//! `leaksim plot`.

use super::*;

/// `leaksim plot`: redraws the charts and report of each folder from its files.
pub fn plot(dirs: &[PathBuf]) -> Result<()> {
    for d in dirs {
        let files = crate::output::plot::plot_dir(d)?;
        println!("{}: drew {} files", d.display(), files.len());
    }
    Ok(())
}
