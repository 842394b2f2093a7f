import ArgumentParser

/// `mosaicctl images`: the uploaded init images.
struct ImagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "images",
        abstract: "List, show and remove uploaded init images.",
        discussion: """
            mosaicctl submit --init-image FILE uploads the file to the daemon, which checks it \
            (PNG, JPEG or WebP; at most max_image_pixels pixels; opaque), turns it upright by \
            its EXIF orientation and keeps its pixels as lossless WebP. Images are private: you \
            see and use your own; root and the daemon's admin group see and may remove all.

            A job that names an image keeps it until the job is removed; mosaicctl prune also \
            removes the images no remaining job names that are older than its --older-than.

            EXAMPLES
              mosaicctl images
              mosaicctl images show 3
              mosaicctl images show 3 -o upright.webp
              mosaicctl images rm 3
            """,
        subcommands: [ImagesListCommand.self, ImagesShowCommand.self, ImagesRemoveCommand.self],
        defaultSubcommand: ImagesListCommand.self)
}
