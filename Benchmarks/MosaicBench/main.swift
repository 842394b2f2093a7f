print("mosaic-bench")
