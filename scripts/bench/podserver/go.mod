module procservice.local/bench/podserver

go 1.26
