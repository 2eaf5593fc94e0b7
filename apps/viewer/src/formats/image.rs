//! Images are described from their header: format, dimensions, size.

use super::Page;
use crate::source::Source;

pub fn render(head: &[u8], size: u64, _src: &Source, page: &mut Page) -> Result<(), String> {
    let format =
        imagesize::image_type(head).map_err(|e| format!("not a known image format: {e:?}"))?;
    let dims =
        imagesize::blob_size(head).map_err(|e| format!("the image header is damaged: {e:?}"))?;
    page.table(
        vec!["Property".into(), "Value".into()],
        vec![
            vec!["Format".into(), format!("{format:?}")],
            vec!["Width".into(), format!("{} px", dims.width)],
            vec!["Height".into(), format!("{} px", dims.height)],
            vec!["Size".into(), format!("{size} bytes")],
        ],
    );
    Ok(())
}
