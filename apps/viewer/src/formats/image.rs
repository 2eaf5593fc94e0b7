//! Images are described, not decoded: format, dimensions, size — from the header alone.

use super::Page;

pub fn render(bytes: &[u8], page: &mut Page) -> Result<(), String> {
    let format =
        imagesize::image_type(bytes).map_err(|e| format!("not a known image format: {e:?}"))?;
    let size =
        imagesize::blob_size(bytes).map_err(|e| format!("the image header is damaged: {e:?}"))?;
    page.table(
        vec!["Property".into(), "Value".into()],
        vec![
            vec!["Format".into(), format!("{format:?}")],
            vec!["Width".into(), format!("{} px", size.width)],
            vec!["Height".into(), format!("{} px", size.height)],
            vec!["Size".into(), format!("{} bytes", bytes.len())],
        ],
    );
    Ok(())
}
