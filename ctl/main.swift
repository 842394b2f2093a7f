print("mosaicctl")
