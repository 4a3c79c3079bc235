//! `leaksim plot`.

use super::*;

/// `leaksim plot`: redraws the charts and report of each folder from its files. Each folder is
/// redrawn in a copy beside it, swapped into place once complete.
pub fn plot(dirs: &[PathBuf]) -> Result<()> {
    // Ctrl-C then leaves each folder as it was (exit 130), its staging copy removed.
    super::progress::cancel_flag();
    for d in dirs {
        if crate::output::plot::kind(d).is_none() {
            // Says what is wrong before copying anything.
            crate::output::plot::plot_dir(d)?;
        }
        let stage = crate::output::folder::Staged::begin_from(d)?;
        let files = crate::output::plot::plot_dir(stage.path())?;
        stage.commit()?;
        println!("{}: drew {} files", d.display(), files.len());
    }
    Ok(())
}
