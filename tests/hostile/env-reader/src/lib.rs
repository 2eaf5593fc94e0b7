//! Hostile app: Reads the environment, arguments and working directory.

use kapsel_sdk::prelude::*;

struct EnvReader;

impl App for EnvReader {
    fn view(_route: &str) -> Result<View, AppError> {
        let vars: Vec<(String, String)> = std::env::vars().collect();
        let args: Vec<String> = std::env::args().collect();
        Ok(View::new("env")
            .text(format!("vars={}", vars.len()))
            .text(format!("args={}", args.len()))
            .text(format!("home={:?}", std::env::var("HOME").ok()))
            .text(format!("cwd={:?}", std::env::current_dir().ok())))
    }
}

export_app!(EnvReader);
