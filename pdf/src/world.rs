//! The little world Typst lays one document out in: our template as its only source, the
//! document's data, QR code and pictures as its only files, and the fonts we ship. It
//! reads nothing from disk and nothing from the network.
use std::collections::HashMap;
use std::sync::LazyLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The layout of every portfolio and certificate (see `template.typ`).
const TEMPLATE: &str = include_str!("template.typ");

/// DejaVu Sans: Latin with every French accent, Greek, Cyrillic, Hebrew and Arabic, so a
/// badge in any of those is printed with real letters.
fn font_files() -> [&'static [u8]; 4] {
    [
        dejavu::sans::regular(),
        dejavu::sans::bold(),
        dejavu::sans::oblique(),
        dejavu::sans::bold_oblique(),
    ]
}

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = font_files()
        .into_iter()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// A file of the project, by its absolute path (`/data.json`).
pub(crate) fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("our own paths are valid");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

pub(crate) struct Sheet {
    main: Source,
    files: HashMap<FileId, Bytes>,
}

impl Sheet {
    pub(crate) fn new(files: HashMap<FileId, Bytes>) -> Self {
        Self {
            main: Source::new(file_id("/main.typ"), TEMPLATE.to_owned()),
            files,
        }
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(std::path::PathBuf::from(id.vpath().get_without_slash()))
}

impl World for Sheet {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    /// The template dates nothing by itself: the data says when the document was made.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}
