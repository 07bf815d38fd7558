pub fn write_examples(_d: &std::path::Path) -> Result<usize, String> {
    Ok(0)
}
