Console.WriteLine("p1-edge");
