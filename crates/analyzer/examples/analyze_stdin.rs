//! Development helper: analyzes a body read from standard input and prints quotes and entities.

use std::io::Read;

fn main() {
    let mut body = String::new();
    std::io::stdin()
        .read_to_string(&mut body)
        .expect("read stdin");
    let a = analyzer::analyze_text(&body, None);
    for q in &a.quotes {
        println!(
            "{:?} | {:?} | {:?} | {:?} | {}",
            q.kind, q.speaker, q.speaker_text, q.cue, q.text
        );
    }
    for e in &a.entities {
        let forms: Vec<&str> = e.mentions.iter().map(|m| m.text.as_str()).collect();
        println!("{:?} {} {:?}", e.entity_type, e.name, forms);
    }
}
