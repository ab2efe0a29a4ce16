//! Shows why a piece of text was kept or dropped: `trace FILE NEEDLE`.

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(f), Some(needle)) = (args.next(), args.next()) else {
        eprintln!("usage: trace FILE NEEDLE");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&f).expect("readable file");
    print!("{}", parser::debug_trace(&bytes, &needle));
}
