C
C  driver.f -- CSV driver for the Tennessee Eastman closed-loop
C  simulation of Russell, Chiang and Braatz (temain_mod.f, teprob.f).
C
C  Replaces only the main program of temain_mod.f.  The declarations,
C  controller settings and initial valve positions below are copied
C  verbatim from temain_mod.f (lines 146-210 and 232-341); the
C  simulation loop keeps its controller calls, their timing and the
C  180-second output instant.  The subroutines CONTRL*, INTGTR and
C  CONSHAND are those of temain_mod.f (temain_sub.f = its lines 435-).
C
C  Usage:  tedriver FAULT SEED NSAMP FIRST
C    FAULT  0 (normal) or 1..20 (IDV number)
C    SEED   noise seed s: G = ((2s+1)*2654435761) mod 2**32;
C           a negative SEED keeps teprob.f's own G (4651207995)
C    NSAMP  number of 180-s samples (960 = 48 h)
C    FIRST  first faulty sample; IDV(FAULT)=1 from integration
C           step I = 180*(FIRST-1) on, as temain_mod.f sets its
C           fault from step SSPTS = 3600*8 on
C  Writes CSV to standard output: sample, xmeas_1..41, xmv_1..11,
C  anomaly; values as C printf "%g" (6 significant digits).
C
C
C  Written for linewatch (tools/tep/README.md). The declarations,
C  controller settings and initial valve positions below are
C  temain_mod.f's, which carries this notice:
C
C               Tennessee Eastman Process Control Test Problem
C
C			Original codes written by
C
C                    James J. Downs and Ernest F. Vogel
C
C                  Process and Control Systems Engineering
C                        Tennessee Eastman Company
C                              P.O. Box 511
C                          Kingsport, Tennessee 37662
C
C--------------------------------------------------------------------
C
C  New version is a closed-loop plant-wide control scheme for 
C  the Tennessee Eastman Process Control Test Problem
C				
C  The modifications are by:
C
C	      Evan L. Russell, Leo H. Chiang and Richard D. Braatz
C
C		     Large Scale Systems Research Laboratory
C	                Department of Chemical Engineering
C		    University of Illinois at Urbana-Champaign
C	                 600 South Mathews Avenue, Box C-3
C			      Urbana, Illinois 61801
C		 	    http://brahms.scs.uiuc.edu
C
C The modified text is Copyright 1998-2002 by The Board of Trustees 
C of the University of Illinois.  All rights reserved.
C 
C Permission hereby granted, free of charge, to any person obtaining a copy
C of this software and associated documentation files (the "Software"), to
C deal with the Software without restriction, including without limitation
C the rights to use, copy, modify, merge, publish, distribute, sublicense,
C and/or sell copies of the Software, and to permit persons to whom the 
C Software is furnished to do so, subject to the following conditions:
C 		1. Redistributions of source code must retain the above copyright
C		   notice, this list of conditions and the following disclaimers.
C		2. Redistributions in binary form must reproduce the above 
C		   copyright notice, this list of conditions and the following 
C		   disclaimers in the documentation and/or other materials 
C		   provided with the distribution.
C		3. Neither the names of Large Scale Research Systems Laboratory,
C		   University of Illinois, nor the names of its contributors may
C		   be used to endorse or promote products derived from this 
C		   Software without specific prior written permission.
C
C THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS
C OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
C FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL 
C THE CONTRIBUTORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR
C OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, 
C ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
C DEALINGS IN THE SOFTWARE.
C----------------------------------------------------------------------
      PROGRAM TEDRV
C  MEASUREMENT AND VALVE COMMON BLOCK
C
      DOUBLE PRECISION XMEAS, XMV
      COMMON/PV/ XMEAS(41), XMV(12)
C
C   DISTURBANCE VECTOR COMMON BLOCK
C
      INTEGER IDV
      COMMON/DVEC/ IDV(20)
C
C   CONTROLLER COMMON BLOCK
C
C      DOUBLE PRECISION SETPT, GAIN, TAUI, ERROLD, DELTAT
C      COMMON/CTRL/ SETPT, GAIN, TAUI, ERROLD, DELTAT
       DOUBLE PRECISION SETPT, DELTAT
       COMMON/CTRLALL/ SETPT(20), DELTAT
       INTEGER FLAG
       COMMON/FLAG6/ FLAG
C
      DOUBLE PRECISION GAIN1, ERROLD1
      COMMON/CTRL1/ GAIN1, ERROLD1
      DOUBLE PRECISION GAIN2, ERROLD2
      COMMON/CTRL2/ GAIN2, ERROLD2
      DOUBLE PRECISION GAIN3, ERROLD3
      COMMON/CTRL3/ GAIN3, ERROLD3
      DOUBLE PRECISION  GAIN4, ERROLD4
      COMMON/CTRL4/ GAIN4, ERROLD4
      DOUBLE PRECISION GAIN5, TAUI5, ERROLD5
      COMMON/CTRL5/ GAIN5, TAUI5, ERROLD5
      DOUBLE PRECISION GAIN6, ERROLD6
      COMMON/CTRL6/ GAIN6, ERROLD6
      DOUBLE PRECISION GAIN7, ERROLD7
      COMMON/CTRL7/  GAIN7, ERROLD7
      DOUBLE PRECISION GAIN8, ERROLD8
      COMMON/CTRL8/ GAIN8, ERROLD8
      DOUBLE PRECISION GAIN9, ERROLD9
      COMMON/CTRL9/ GAIN9, ERROLD9
      DOUBLE PRECISION GAIN10, TAUI10, ERROLD10
      COMMON/CTRL10/ GAIN10, TAUI10, ERROLD10
      DOUBLE PRECISION GAIN11, TAUI11, ERROLD11
      COMMON/CTRL11/ GAIN11, TAUI11, ERROLD11
      DOUBLE PRECISION GAIN13, TAUI13, ERROLD13
      COMMON/CTRL13/ GAIN13, TAUI13, ERROLD13
      DOUBLE PRECISION GAIN14, TAUI14, ERROLD14
      COMMON/CTRL14/ GAIN14, TAUI14, ERROLD14
      DOUBLE PRECISION GAIN15, TAUI15, ERROLD15
      COMMON/CTRL15/ GAIN15, TAUI15, ERROLD15
      DOUBLE PRECISION GAIN16, TAUI16, ERROLD16
      COMMON/CTRL16/ GAIN16, TAUI16, ERROLD16
      DOUBLE PRECISION GAIN17, TAUI17, ERROLD17
      COMMON/CTRL17/ GAIN17, TAUI17, ERROLD17
      DOUBLE PRECISION GAIN18, TAUI18, ERROLD18
      COMMON/CTRL18/ GAIN18, TAUI18, ERROLD18
      DOUBLE PRECISION GAIN19, TAUI19, ERROLD19
      COMMON/CTRL19/ GAIN19, TAUI19, ERROLD19
      DOUBLE PRECISION GAIN20, TAUI20, ERROLD20
      COMMON/CTRL20/ GAIN20, TAUI20, ERROLD20
      DOUBLE PRECISION GAIN22, TAUI22, ERROLD22
      COMMON/CTRL22/ GAIN22, TAUI22, ERROLD22
C
C  Local Variables
C
      INTEGER I, NN, NPTS, TEST, TEST1, TEST3, TEST4
C
      DOUBLE PRECISION TIME, YY(50), YP(50)
C
C  Driver variables
C
      INTEGER IFLT, ISEED, NSAMP, IFIRST, ISAMP, IANOM, K, NC
      INTEGER*8 IG
      CHARACTER*32 ARG
      CHARACTER*40 BUF
      CHARACTER*1024 LINE
      INTEGER LL
      DOUBLE PRECISION GSEED
      INTEGER ISSET
      COMMON/SEEDIN/ GSEED, ISSET
C
      CALL GETARG(1, ARG)
      READ(ARG,*) IFLT
      CALL GETARG(2, ARG)
      READ(ARG,*) ISEED
      CALL GETARG(3, ARG)
      READ(ARG,*) NSAMP
      CALL GETARG(4, ARG)
      READ(ARG,*) IFIRST
      IF (ISEED.GE.0) THEN
          IG = MODULO((2_8*ISEED+1_8)*2654435761_8, 4294967296_8)
          GSEED = DBLE(IG)
          ISSET = 1
      ELSE
          ISSET = 0
      ENDIF
C
      NN = 50
      NPTS = 180 * NSAMP
      SSPTS = 180 * (IFIRST - 1)
C
C  ---- verbatim from temain_mod.f (DELTAT .. disturbance flags off) ----
C
      DELTAT = 1. / 3600.
C
C  Initialize Process
C  (Sets TIME to zero)
C
      CALL TEINIT(NN,TIME,YY,YP)
C
C  Set Controller Parameters
C  Make a Stripper Level Set Point Change of +15%
C
CC      SETPT = XMEAS(15) + 15.0
CC      GAIN = 2.0
CC      TAUI = 5.0
CC      ERROLD = 0.0
      SETPT(1)=3664.0        
      GAIN1=1.0
      ERROLD1=0.0
      SETPT(2)=4509.3
      GAIN2=1.0
      ERROLD2=0.0
      SETPT(3)=.25052
      GAIN3=1.
      ERROLD3=0.0
      SETPT(4)=9.3477
      GAIN4=1.
      ERROLD4=0.0
      SETPT(5)=26.902
      GAIN5=-0.083 	   
      TAUI5=1./3600.   
      ERROLD5=0.0
      SETPT(6)=0.33712  
      GAIN6=1.22        	       
      ERROLD6=0.0
      SETPT(7)=50.0
      GAIN7=-2.06      
      ERROLD7=0.0
      SETPT(8)=50.0
      GAIN8=-1.62      
      ERROLD8=0.0
      SETPT(9)=230.31
      GAIN9=0.41          
      ERROLD9=0.0	
      SETPT(10)=94.599
      GAIN10= -0.156     * 10.
      TAUI10=1452./3600. 
      ERROLD10=0.0
      SETPT(11)=22.949    
      GAIN11=1.09	  
      TAUI11=2600./3600.
      ERROLD11=0.0
      SETPT(13)=32.188
      GAIN13=18.              
      TAUI13=3168./3600.   
      ERROLD13=0.0
      SETPT(14)=6.8820
      GAIN14=8.3	  
      TAUI14=3168.0/3600.
      ERROLD14=0.0
      SETPT(15)=18.776 	  		
      GAIN15=2.37	  	
      TAUI15=5069./3600.    
      ERROLD15=0.0
      SETPT(16)=65.731
      GAIN16=1.69	  / 10.
      TAUI16=236./3600.
      ERROLD16=0.0
      SETPT(17)=75.000
      GAIN17=11.1	/ 10.
      TAUI17=3168./3600.  
      ERROLD17=0.0	  
      SETPT(18)=120.40
      GAIN18=2.83	* 10.
      TAUI18=982./3600.
      ERROLD18=0.0
      SETPT(19)=13.823
      GAIN19=-83.2	  / 5. /3.  
      TAUI19=6336./3600. 
      ERROLD19=0.0
      SETPT(20)=0.83570  
      GAIN20=-16.3	 / 5.	   
      TAUI20=12408./3600.  
      ERROLD20=0.0
      SETPT(12)=2633.7
      GAIN22=-1.0	  * 5.	   
      TAUI22=1000./3600.  
      ERROLD22=0.0
C
C    Example Disturbance:
C    Change Reactor Cooling
C
 	XMV(1) = 63.053 + 0.
	XMV(2) = 53.980 + 0.
	XMV(3) = 24.644 + 0.    
	XMV(4) = 61.302 + 0.
	XMV(5) = 22.210 + 0.
	XMV(6) = 40.064 + 0.
	XMV(7) = 38.100 + 0.
	XMV(8) = 46.534 + 0.
	XMV(9) = 47.446 + 0.
	XMV(10)= 41.106 + 0.
	XMV(11)= 18.114 + 0.
C
C	SETPT(6)=SETPT(6) + 0.2
C
C  Set all Disturbance Flags to OFF
C
      DO 100 I = 1, 20
          IDV(I) = 0
 100  CONTINUE
C      IDV(20)=1	
C
C  ---- end of verbatim block ----
C
      LINE = 'sample'
      LL = 6
      DO 120 K = 1, 41
          WRITE(BUF,'(A,I0)') ',xmeas_', K
          LINE(LL+1:) = TRIM(BUF)
          LL = LL + LEN_TRIM(BUF)
 120  CONTINUE
      DO 130 K = 1, 11
          WRITE(BUF,'(A,I0)') ',xmv_', K
          LINE(LL+1:) = TRIM(BUF)
          LL = LL + LEN_TRIM(BUF)
 130  CONTINUE
      LINE(LL+1:) = ',anomaly'
      LL = LL + 8
      WRITE(*,'(A)') LINE(1:LL)
C
C  Simulation Loop (as temain_mod.f)
C
        DO 1000 I = 1, NPTS
         IF (IFLT.GT.0 .AND. I.GE.SSPTS) THEN
                 IDV(IFLT)=1
          ENDIF
          TEST=MOD(I,3)
          IF (TEST.EQ.0) THEN
                CALL CONTRL1
                CALL CONTRL2
                CALL CONTRL3
                CALL CONTRL4
                CALL CONTRL5
                CALL CONTRL6
                CALL CONTRL7
                CALL CONTRL8
                CALL CONTRL9
                CALL CONTRL10
                CALL CONTRL11
                CALL CONTRL16
                CALL CONTRL17
                CALL CONTRL18
          ENDIF
          TEST1=MOD(I,360)
          IF (TEST1.EQ.0) THEN
                CALL CONTRL13
                CALL CONTRL14
                CALL CONTRL15
                CALL CONTRL19
          ENDIF
          TEST1=MOD(I,900)
          IF (TEST1.EQ.0) CALL CONTRL20
C
          TEST4=MOD(I,180)
          IF (TEST4.EQ.0) THEN
C           output instant of temain_mod.f (its CALL OUTPUT)
                ISAMP = I / 180
                IANOM = 0
                IF (IFLT.GT.0 .AND. ISAMP.GE.IFIRST) IANOM = 1
                WRITE(LINE,'(I0)') ISAMP
                LL = LEN_TRIM(LINE)
                DO 140 K = 1, 41
                    CALL FMTG(XMEAS(K), BUF, NC)
                    LINE(LL+1:) = ',' // BUF(1:NC)
                    LL = LL + 1 + NC
 140            CONTINUE
                DO 150 K = 1, 11
                    CALL FMTG(XMV(K), BUF, NC)
                    LINE(LL+1:) = ',' // BUF(1:NC)
                    LL = LL + 1 + NC
 150            CONTINUE
                WRITE(BUF,'(A,I0)') ',', IANOM
                LINE(LL+1:) = TRIM(BUF)
                LL = LL + LEN_TRIM(BUF)
                WRITE(*,'(A)') LINE(1:LL)
          ENDIF
C
          CALL INTGTR(NN,TIME,DELTAT,YY,YP)
C
          CALL CONSHAND
C
 1000 CONTINUE
      STOP
      END
C
C=============================================================================
C
C  Called from TEINIT (teprob.f) right after it sets G: with a seed
C  given, start the random generator there instead.
C
      SUBROUTINE TESEED(G)
      DOUBLE PRECISION G
      DOUBLE PRECISION GSEED
      INTEGER ISSET
      COMMON/SEEDIN/ GSEED, ISSET
      IF (ISSET.NE.0) G = GSEED
      RETURN
      END
