// Command podserver plays the containers of the scale benchmark's kwok pods
// (scripts/bench/real_scale.py): one listener per pod IP on one port. GET /health answers
// 200 "ok", or 500 "broken" for an IP it was told to break; a connection closed without a
// request (a tcpSocket probe) is just accepted. It records when each broken IP's 500s and each
// healed IP's 200s went out, and when each IP was last asked for /health.
//
// The harness drives it over stdin, one command per line, and reads one line per command back:
//
//	serve IP...     bind a listener on each IP           -> "ok"
//	break IP...     answer 500 from now on               -> "ok"
//	heal IP...      answer 200 again                     -> "ok"
//	sent            {"requests":N,"fails":{IP:[t...]},"oks":{IP:[t...]}} (t: epoch seconds)
//	probed-since T  how many IPs were asked for /health at or after epoch T -> "N"
//
// It exists because the pods' handlers are not what is measured: in Python they cost 17-26
// CPU-seconds of a 10,000-service cold start on the 2 cores the control plane and the operator
// need (docs/benchmarks.md).
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

var (
	ok     = []byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
	broken = []byte("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 6\r\nConnection: close\r\n\r\nbroken")
)

type state struct {
	mu         sync.Mutex
	requests   int64
	broken     map[string]bool
	healed     map[string]bool
	fails      map[string][]float64
	oks        map[string][]float64
	lastHealth map[string]float64
}

func now() float64 { return float64(time.Now().UnixNano()) / 1e9 }

// answer is what the pod at ip sends for a request, recorded as sent now.
func (s *state) answer(ip string) []byte {
	t := now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	s.lastHealth[ip] = t
	if s.broken[ip] {
		s.fails[ip] = append(s.fails[ip], t)
		return broken
	}
	if s.healed[ip] {
		s.oks[ip] = append(s.oks[ip], t)
	}
	return ok
}

func (s *state) serveConn(c net.Conn, ip string) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 0, 512)
	chunk := make([]byte, 512)
	for len(buf) <= 65536 {
		n, err := c.Read(chunk)
		buf = append(buf, chunk[:n]...)
		if bytes.Contains(buf, []byte("\r\n\r\n")) {
			_, _ = c.Write(s.answer(ip))
			return
		}
		if err != nil {
			return // a tcpSocket probe: connected and closed
		}
	}
}

func (s *state) listen(ip string, port int) error {
	l, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		return err
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				time.Sleep(10 * time.Millisecond) // out of files: the harness sees the probes fail
				continue
			}
			go s.serveConn(c, ip)
		}
	}()
	return nil
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: podserver PORT (commands on stdin: see the source)")
		os.Exit(2)
	}
	port, err := strconv.Atoi(os.Args[1])
	if err != nil || port < 1 || port > 65535 {
		fmt.Fprintf(os.Stderr, "podserver: PORT must be 1-65535, not %q\n", os.Args[1])
		os.Exit(2)
	}
	s := &state{broken: map[string]bool{}, healed: map[string]bool{}, fails: map[string][]float64{},
		oks: map[string][]float64{}, lastHealth: map[string]float64{}}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	out := bufio.NewWriter(os.Stdout)
	reply := func(v string) { out.WriteString(v + "\n"); out.Flush() }
	for in.Scan() {
		f := strings.Fields(in.Text())
		if len(f) == 0 {
			continue
		}
		cmd, args := f[0], f[1:]
		switch cmd {
		case "serve":
			var failed []string
			for _, ip := range args {
				if err := s.listen(ip, port); err != nil {
					failed = append(failed, err.Error())
				}
			}
			if len(failed) > 0 {
				reply(fmt.Sprintf("error: %d listeners failed, first: %s", len(failed), failed[0]))
			} else {
				reply("ok")
			}
		case "break":
			s.mu.Lock()
			s.fails = map[string][]float64{}
			for _, ip := range args {
				s.broken[ip] = true
			}
			s.mu.Unlock()
			reply("ok")
		case "heal":
			s.mu.Lock()
			s.oks = map[string][]float64{}
			for _, ip := range args {
				delete(s.broken, ip)
				s.healed[ip] = true
			}
			s.mu.Unlock()
			reply("ok")
		case "sent":
			s.mu.Lock()
			b, _ := json.Marshal(map[string]any{"requests": s.requests, "fails": s.fails, "oks": s.oks})
			s.mu.Unlock()
			reply(string(b))
		case "probed-since":
			t, err := strconv.ParseFloat(strings.Join(args, ""), 64)
			if err != nil {
				reply("error: probed-since needs an epoch time")
				continue
			}
			n := 0
			s.mu.Lock()
			for _, last := range s.lastHealth {
				if last >= t {
					n++
				}
			}
			s.mu.Unlock()
			reply(strconv.Itoa(n))
		default:
			reply("error: unknown command " + cmd)
		}
	}
}
