//! Hostile app: Opens a TCP socket with std::net (imports wasi:sockets).

use kapsel_sdk::prelude::*;

struct Sockets;

impl App for Sockets {
    fn view(route: &str) -> Result<View, AppError> {
        let r = std::net::TcpStream::connect(route);
        Ok(View::new(format!("{:?}", r.map(|_| ()))))
    }
}

export_app!(Sockets);
