print("mosaicd")
