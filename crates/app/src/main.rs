//! Entry point of the web app (built by trunk).

fn main() {
    blastmap_app::start();
}
